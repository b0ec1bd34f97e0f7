# The bundled demo EHR (demo/ehr/ehr.py) on its own, without the gateway: the pages, the legacy habits
# the gateway has to cope with (trusting Remote-User, absolute Location and cookie Domain built from the
# Host header, chunked CSV, a large image), keep-alive, errors in Japanese, persistence and a clean stop.
# The sekisho argument is not used here.
source "$(dirname "$0")/lib.sh"
EHR="$(cd "$(dirname "$0")/../../demo/ehr" && pwd)/ehr.py"

# curl that never stops the scenario: failures show up as output the checks do not expect.
get() { curl -sS --max-time 30 "$@" 2>&1 || true; }
status() { get -o /dev/null -w '%{http_code}' "$@"; }
headers() { get -D - -o /dev/null "$@" | tr -d '\r'; }

start_ehr() {
  : >"$WORK/ehr.out"
  python3 "$EHR" --listen 127.0.0.1:0 --data "$WORK/data" >"$WORK/ehr.out" 2>>"$WORK/ehr.log" &
  EHR_PID=$!
  PIDS+=("$EHR_PID")
  local line=""
  for _ in $(seq 100); do
    line=$(head -n 1 "$WORK/ehr.out")
    [ -n "$line" ] && break
    kill -0 "$EHR_PID" 2>/dev/null || break
    sleep 0.1
  done
  if [[ "$line" =~ ^demo\ EHR\ listening\ on\ http://127\.0\.0\.1:([0-9]+)$ ]] && [ "${BASH_REMATCH[1]}" != 0 ]; then
    pass
    PORT=${BASH_REMATCH[1]}
    U="http://127.0.0.1:$PORT"
  else
    fail "the demo EHR did not announce its port: '$line'; log: $(cat "$WORK/ehr.log")"
    finish
    exit 1
  fi
}

stop_ehr() {
  kill -TERM "$EHR_PID"
  for _ in $(seq 50); do kill -0 "$EHR_PID" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$EHR_PID" 2>/dev/null; then
    fail "the demo EHR is still running 5 s after SIGTERM"
    kill -KILL "$EHR_PID" 2>/dev/null || true
  fi
  local rc=0
  wait "$EHR_PID" || rc=$?
  [ "$rc" -eq 0 ] && pass || fail "the demo EHR exited with $rc after SIGTERM"
  PIDS=()
}

start_ehr
expect_contains "the port is really listening" "ok" "$(get "$U/healthz")"
[ -f "$WORK/data/patients.json" ] && pass || fail "no patients.json in the data directory"

# The patient list and the search.
out=$(get "$U/")
expect_contains "the patient list shows a patient" "山田 太郎" "$out"
expect_contains "the patient list shows IDs" "P000123" "$out"
expect_contains "the page is the Japanese demo EHR" "電子カルテ デモ" "$out"
expect_contains "without Remote-User the user is unknown" "ログイン中: 不明" "$out"
expect_not_contains "the page loads nothing from outside" "https://" "$out"
expect_not_contains "the page has no script" "<script" "$out"
out=$(get -G --data-urlencode "q=佐藤" "$U/")
expect_contains "search by name finds the patient" "佐藤 花子" "$out"
expect_not_contains "search by name leaves out the others" "山田 太郎" "$out"
out=$(get "$U/?q=P000318")
expect_contains "search by ID finds the patient" "鈴木 一郎" "$out"
expect_not_contains "search by ID leaves out the others" "佐藤 花子" "$out"

# The detail page and the user the gateway vouches for.
out=$(get -H "Remote-User: nurse1" "$U/patients/P000123")
expect_contains "the header bar shows the Remote-User" "ログイン中: nurse1" "$out"
for section in アレルギー 処方 バイタルサイン 検体検査結果 経過記録 "ペニシリン系抗菌薬"; do
  expect_contains "the detail page shows $section" "$section" "$out"
done

# The legacy session cookie: set on the first visit, Domain taken from the Host header.
h=$(headers "$U/")
expect_contains "the first visit sets the session cookie" "Set-Cookie: EHRSESSION=" "$h"
expect_contains "the cookie names the app's host as its Domain" "Path=/; Domain=127.0.0.1; HttpOnly" "$h"
expect_not_contains "a returning browser gets no new cookie" "Set-Cookie" "$(headers -b "EHRSESSION=abc" "$U/")"
expect_contains "the cookie Domain follows the Host header" "Domain=ehr.internal.example;" \
  "$(headers -H "Host: ehr.internal.example:8080" "$U/")"

# A note: 303 with the absolute Location a legacy app leaks, then the note with its author.
note="胸部症状なし。経過観察とする。($$)"
h=$(headers -H "Remote-User: nurse1" --data-urlencode "text=$note" "$U/patients/P000123/notes")
expect_contains "a note is answered with 303" "HTTP/1.1 303" "$h"
expect_contains "the Location is absolute, with the app's own address" "Location: $U/patients/P000123" "$h"
out=$(get "$U/patients/P000123")
expect_contains "the note appears on the patient page" "$note" "$out"
expect_contains "the note's author is the Remote-User" "記載者: nurse1</div>$note" "$out"
h=$(headers -H "Host: ehr.internal.example:8080" --data "text=via internal name" "$U/patients/P000123/notes")
expect_contains "the Location follows the Host header" \
  "Location: http://ehr.internal.example:8080/patients/P000123" "$h"
expect_contains "without Remote-User the author is unknown" "記載者: 不明</div>via internal name" \
  "$(get "$U/patients/P000123")"
get --data-urlencode "text=<script>alert(1)</script>" "$U/patients/P000245/notes" >/dev/null
out=$(get "$U/patients/P000245")
expect_contains "notes are HTML-escaped" "&lt;script&gt;alert(1)&lt;/script&gt;" "$out"
expect_not_contains "no markup from a note reaches the page" "<script>alert" "$out"

expect_contains "an empty note is refused" "400" "$(status --data "text=" "$U/patients/P000123/notes")"
expect_contains "a blank note is refused" "400" "$(status --data "text=%20%0D%0A" "$U/patients/P000123/notes")"
expect_contains "a note over 4 KB is refused" "400" \
  "$(status --data "text=$(printf 'a%.0s' $(seq 4097))" "$U/patients/P000123/notes")"
expect_contains "a note of exactly 4 KB is taken" "303" \
  "$(status --data "text=$(printf 'b%.0s' $(seq 4096))" "$U/patients/P000123/notes")"
expect_contains "the refusal says why, in Japanese" "記録の内容を入力してください" \
  "$(get --data "text=" "$U/patients/P000123/notes")"
expect_contains "a note for an unknown patient is 404" "404" "$(status --data "text=x" "$U/patients/P999999/notes")"

# The fake PACS image: a real PNG with a Content-Length.
h=$(get -D - -o "$WORK/chest.png" "$U/patients/P000123/images/chest.png" | tr -d '\r')
expect_contains "the image is a PNG" "Content-Type: image/png" "$h"
length=$(sed -n 's/^Content-Length: //Ip' <<<"$h")
[ -n "$length" ] && [ "$length" = "$(stat -c %s "$WORK/chest.png")" ] && pass \
  || fail "image Content-Length '$length' is not the size received ($(stat -c %s "$WORK/chest.png"))"
[ "${length:-0}" -gt 100000 ] && pass || fail "the image is smaller than 100 KB: $length"
expect_contains "the image starts with the PNG signature" "89504e470d0a1a0a" "$(head -c 8 "$WORK/chest.png" | od -An -tx1 | tr -d ' \n')"

# The CSV export: chunked, UTF-8 with a BOM, a few hundred KB.
h=$(get -D - -o "$WORK/export.csv" "$U/reports/export.csv" | tr -d '\r')
expect_contains "the CSV is sent chunked" "Transfer-Encoding: chunked" "$h"
expect_not_contains "the chunked CSV has no Content-Length" "Content-Length" "$h"
expect_contains "the CSV is UTF-8" "Content-Type: text/csv; charset=utf-8" "$h"
expect_contains "the CSV starts with the UTF-8 BOM" "efbbbf" "$(head -c 3 "$WORK/export.csv" | od -An -tx1 | tr -d ' \n')"
expect_contains "the CSV has Japanese column names" "患者ID,氏名,病棟" "$(head -n 1 "$WORK/export.csv")"
rows=$(wc -l <"$WORK/export.csv")
[ "$rows" -gt 1000 ] && pass || fail "the CSV has only $rows lines"

# What the app received, for the gateway tests.
out=$(get -H "Remote-User: nurse1" -H "X-Forwarded-For: 203.0.113.7" -H "X-Forwarded-Proto: https" \
  -H "X-Forwarded-Host: ehr.hospital.example" "$U/whoami")
for line in "Remote-User: nurse1" "X-Forwarded-For: 203.0.113.7" "X-Forwarded-Proto: https" \
            "X-Forwarded-Host: ehr.hospital.example" "Host: 127.0.0.1:$PORT"; do
  expect_contains "whoami shows $line" "$line" "$out"
done
expect_contains "whoami shows absent headers as such" "Remote-User: (none)" "$(get "$U/whoami")"

# Keep-alive: one connection for several requests (each with Content-Length).
out=$(get -v -o /dev/null -o /dev/null -o /dev/null "$U/" "$U/patients/P000123" "$U/healthz")
[ "$(grep -ci "re-using existing connection" <<<"$out")" -eq 2 ] && pass \
  || fail "the connection was not kept alive: $(grep -i connect <<<"$out")"

# Errors: Japanese pages, never a traceback.
expect_contains "an unknown path is 404" "404" "$(status "$U/no/such/page")"
expect_contains "the 404 page is in Japanese" "ページが見つかりません" "$(get "$U/no/such/page")"
expect_contains "an unknown patient is 404" "404" "$(status "$U/patients/P999999")"
expect_contains "a POST elsewhere is 405" "405" "$(status --data "x=1" "$U/patients/P000123")"
expect_contains "an unknown method is refused" "501" "$(status -X DELETE "$U/patients/P000123")"

# The log: one line per request, with the user, without note bodies or tracebacks.
expect_contains "requests are logged with their user" '"POST /patients/P000123/notes HTTP/1.1" 303 116 user=nurse1' \
  "$(cat "$WORK/ehr.log")"
expect_not_contains "note bodies are not logged" "胸部症状なし" "$(cat "$WORK/ehr.log")"
expect_not_contains "nothing went wrong inside the app" "Traceback" "$(cat "$WORK/ehr.log")"

# SIGTERM stops it; the notes survive a restart.
stop_ehr
start_ehr
expect_contains "notes are kept across a restart" "$note" "$(get "$U/patients/P000123")"
stop_ehr
expect_contains "the app says it stopped" "demo EHR stopped" "$(cat "$WORK/ehr.log")"

finish
