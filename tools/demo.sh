#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, sets up a demo installation in
# .demo/ (embedded default config, SQLite state) and runs Sekisho in the foreground.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/deps.sh
tools/build.sh

demo=$PWD/.demo
sk() { build/cli/sekisho --config "$demo/sekisho.toml" "$@"; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

if [ ! -f "$demo/sekisho.toml" ]; then
  step "sekisho init: config, keys, database and the first admin"
  sk init --state-dir "$demo/state" </dev/null  # the defaults, no questions: the demo sets its site up below
  # Enrollment links must name the address this demo serves.
  sed -i 's|^url = "https://sekisho.local/.sekisho/enroll"|url = "https://localhost:8443/.sekisho/enroll"|' "$demo/sekisho.toml"
fi

if ! sk user show yamada >/dev/null 2>&1; then
  step "sekisho user add yamada: a nurse's account (prints her one-time enrollment link)"
  sk user add yamada --display-name "山田 花子" --group nurses
  step "sekisho user passwd yamada (the demo password is Sakura-Hana#2026)"
  echo 'Sakura-Hana#2026' | sk user passwd yamada
  step "sekisho totp add yamada (the demo answers with oathtool in place of a phone)"
  tools/totp_add_answered.sh "$demo/yamada-totp.key" \
    build/cli/sekisho --config "$demo/sekisho.toml" totp add yamada --label "demo phone"
  step "sekisho recovery-codes yamada"
  sk recovery-codes yamada
fi

if ! sk user show sato >/dev/null 2>&1; then
  step "sekisho user add sato: a doctor who enrolls himself in the browser with the link printed here"
  sk user add sato --display-name "佐藤 一郎" --group doctors | tee "$demo/sato-enrollment.txt"
fi

step "sekisho user list"
sk user list

if ! grep -q '^\[gateway\]' "$demo/sekisho.toml"; then
  step "the gateway: a demo certificate for localhost, and the demo EHR behind it"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 365 -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$demo/state/demo-server.key" -out "$demo/state/demo-server.crt" 2>/dev/null
  chmod 600 "$demo/state/demo-server.key"
  cat >>"$demo/sekisho.toml" <<'TOML'

# --- added by tools/demo.sh: the gateway in front of the bundled demo EHR ---
[gateway]
listen = ["127.0.0.1:8443"]
redirect_listen = ["127.0.0.1:8080"]

[[gateway.certificate]]
hosts = ["localhost"]
cert_file = "demo-server.crt"
key_file = "demo-server.key"

[[upstream]]
name = "demo-ehr"
url = "http://127.0.0.1:8081"
name_header = "Remote-Name"

# The EHR's health check may be asked without logging in; everything else needs two factors.
[[rule]]
name = "ehr-health"
paths = ["/healthz"]
methods = ["GET"]
action = "bypass"

[[rule]]
name = "ehr"
paths = ["/"]
action = "two_factor"
TOML
fi

step "starting the demo EHR (python3 demo/ehr/ehr.py) on 127.0.0.1:8081"
python3 demo/ehr/ehr.py --listen 127.0.0.1:8081 --data "$demo/ehr" &
ehr=$!
step "starting Sekisho (sekisho run: authd and the gateway) on https://localhost:8443"
build/cli/sekisho --config "$demo/sekisho.toml" run &
sekisho=$!
trap 'kill $sekisho $ehr 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -s --cacert "$demo/state/demo-server.crt" https://localhost:8443/healthz >/dev/null && break; sleep 0.2; done
sk status
get() { curl -s --cacert "$demo/state/demo-server.crt" "$@"; }

step "without a login the gateway sends the browser to the login page"
get -o /dev/null -w "GET https://localhost:8443/ → %{http_code} %{redirect_url}\n" https://localhost:8443/

step "a login through authd: password + the code the phone shows now (opens a web session)"
sleep $((31 - $(date +%s) % 30))  # a fresh 30-second step, so the code has not been used yet
code=$(oathtool --totp -b "$(cat "$demo/yamada-totp.key")")
session=$(printf 'Sakura-Hana#2026\n%s\n' "$code" | sk login yamada --session)
echo "session cookie: __Host-sekisho=${session:0:6}…"
step "with the session the EHR opens, and it knows who is logged in (Remote-User)"
get -H "Cookie: __Host-sekisho=$session" https://localhost:8443/ | grep -o 'ログイン中: [a-z]*' || true
step "a forged Remote-User header does not get through"
get -H "Remote-User: admin" -H "Cookie: __Host-sekisho=$session" https://localhost:8443/whoami | head -n 2
step "the same code again is refused (each code works once, on every channel)"
printf 'Sakura-Hana#2026\n%s\n' "$code" | sk login yamada || true

step "sekisho audit verify"
sk audit verify
step "who opened what: the gateway's access log"
tail -n 3 "$demo/state/access.log"
step "requests without a login (the closed EHR above): a file of their own, which a flood cannot rotate"
tail -n 1 "$demo/state/access.anonymous.log"

step "Sekisho keeps running: https://localhost:8443/ (demo certificate: $demo/state/demo-server.crt). Ctrl-C stops it."
grep -o 'https://localhost:8443/.sekisho/enroll?t=[A-Za-z0-9_-]*' "$demo/sato-enrollment.txt" |
  sed 's/^/Enroll sato in a browser (one use, 72 h): /' || true
trap - EXIT
trap 'kill $sekisho $ehr 2>/dev/null || true' INT TERM
wait "$sekisho"
kill "$ehr" 2>/dev/null || true
