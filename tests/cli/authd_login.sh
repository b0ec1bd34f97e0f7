# A real authd on a Unix socket: logins with password + code (oathtool as the phone), single-use
# codes across two concurrent processes, throttling, recovery codes, and the audit chain.
source "$(dirname "$0")/lib.sh"
command -v oathtool >/dev/null || { echo "FAIL: oathtool is not installed (tools/deps.sh installs it)"; exit 1; }
sk init --state-dir "$WORK/state" >/dev/null
sk user add nurse >/dev/null
echo 'Sakura-Hana#2026' | sk user passwd nurse >/dev/null
enroll_totp nurse
key=$TOTP_KEY
codes=$(sk recovery-codes nurse | grep -E '^  [0-9a-z]{4}-' | tr -d ' ')

start_authd || true
expect_ok "authd answers" sk status

# A code for the next 30-second step, so the one spent by `totp add` is not reused.
sleep $((31 - $(date +%s) % 30))
code=$(oathtool --totp -b "$key")
out=$(login nurse 'Sakura-Hana#2026' "$code") && pass || fail "right password and code: $out"
expect_contains "login ok" "login ok (totp)" "$out"
out=$(login nurse 'Sakura-Hana#2026' "$code") && fail "a replayed code was accepted" || pass
expect_contains "replay refused" "login refused: denied" "$out"
out=$(login nurse 'wrong-Password#1' "$(oathtool --totp -b "$key")") && fail "wrong password accepted" || pass
out=$(login nobody 'Sakura-Hana#2026' "123456") && fail "unknown user accepted" || pass
expect_contains "unknown user looks like a wrong password" "login refused: denied" "$out"

# Two processes race with the same fresh code: exactly one gets in.
sleep $((31 - $(date +%s) % 30))
code=$(oathtool --totp -b "$key")
(login nurse 'Sakura-Hana#2026' "$code" >"$WORK/r1") & p1=$!
(login nurse 'Sakura-Hana#2026' "$code" >"$WORK/r2") & p2=$!
wait $p1 $p2 || true
wins=$(cat "$WORK/r1" "$WORK/r2" | grep -c "login ok" || true)
[ "$wins" = 1 ] && pass || fail "two concurrent logins with one code: $wins succeeded"

rc=$(head -n1 <<<"$codes")
out=$(login nurse 'Sakura-Hana#2026' "$rc") && pass || fail "recovery code: $out"
expect_contains "recovery code accepted" "login ok (recovery)" "$out"
out=$(login nurse 'Sakura-Hana#2026' "$rc") && fail "a recovery code worked twice" || pass

# Five free failures, then delays.
for i in 1 2 3 4 5 6; do login nurse 'bad-Password#9' 000000 >/dev/null || true; done
out=$(login nurse 'Sakura-Hana#2026' "$(oathtool --totp -b "$key")") && fail "not throttled" || pass
expect_contains "throttled with a wait" "retry after" "$out"
expect_ok "unlock clears the delay" sk user unlock nurse

out=$(sk audit verify) && pass || fail "audit verify: $out"
head_line=$(grep "sekisho audit head" <<<"$out")
events=$(sk audit export --format jsonl)
expect_contains "audited: successful second factor" '"event":"login.second_factor"' "$events"
expect_contains "audited: replay" 'replayed_code' "$events"
expect_contains "audited: recovery code use" 'recovery_code.used' "$events"
expect_contains "audited: throttled" '"result":"throttled"' "$events"
expect_not_contains "no password in the audit" "Sakura" "$events"
expect_not_contains "no password in authd's log" "Sakura" "$(cat "$WORK/authd.log")"

sqlite3 "$WORK/state/sekisho.db" "UPDATE audit_log SET user='someone' WHERE seq=5"
expect_exit 1 "an edited record is detected" sk audit verify
expect_contains "names record 5" "record 5" "$out"
sqlite3 "$WORK/state/sekisho.db" "UPDATE audit_log SET user=(SELECT user FROM audit_log WHERE seq=4) WHERE seq=5" || true
last=$(sqlite3 "$WORK/state/sekisho.db" "SELECT max(seq) FROM audit_log")

out=$(echo "Hakone-Sekisho-1619" | sk backup "$WORK/backup.skb") && pass || fail "backup while authd runs: $out"
[ "$(stat -c %a "$WORK/backup.skb")" = 600 ] && pass || fail "backup is not 0600"
expect_exit 1 "backup refuses to overwrite" sk backup "$WORK/backup.skb" --passphrase-file /dev/null
echo junk >"$WORK/junk.db"
expect_exit 1 "restore refuses junk" sk restore "$WORK/junk.db"
finish
