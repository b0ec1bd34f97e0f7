# Backup and restore round trip on the same machine: accounts, password hashes and factors come back
# exactly and still log in through authd; the audit chain verifies; restore refuses while authd runs.
# Backups are always encrypted (the passphrase here comes on standard input); backup_new_machine.sh
# covers the file's checks. Also: authd forgets stale per-address failure counts when it starts.
source "$(dirname "$0")/lib.sh"
command -v oathtool >/dev/null || { echo "FAIL: oathtool is not installed (tools/deps.sh installs it)"; exit 1; }
DB="$WORK/state/sekisho.db"
sk init --state-dir "$WORK/state" >/dev/null
sk user add nurse >/dev/null
echo 'Sakura-Hana#2026' | sk user passwd nurse >/dev/null
enroll_totp nurse
codes=$(sk recovery-codes nurse | grep -E '^  [0-9a-z]{4}-' | tr -d ' ')
rc=$(head -n1 <<<"$codes")
sk user add doctor --group physicians >/dev/null
echo 'Fuji-Yama#2026x' | sk user passwd doctor >/dev/null

# Everything a restore must bring back, row for row.
state() { sqlite3 "$DB" "SELECT * FROM users; SELECT * FROM totp_credentials; SELECT * FROM recovery_codes;"; }
users_before=$(sk user list)
state_before=$(state)
PASS='Hakone-Sekisho-1619'
out=$(echo "$PASS" | sk backup "$WORK/backup.skb") && pass || fail "backup: $out"

# Change the state: a user deleted, one added, a password changed, a recovery code spent.
sk user delete doctor >/dev/null
sk user add intern >/dev/null
echo 'Ume-Hana#2026x' | sk user passwd nurse >/dev/null
# A stale failure count for an address (2 days old) and one for a user: authd forgets the first at start.
sqlite3 "$DB" "INSERT INTO throttle(key, failures, last_failure_at) VALUES
  ('addr:203.0.113.9', 3, strftime('%s','now') - 172800), ('user:ghost', 3, strftime('%s','now') - 172800)"
start_authd && pass || fail "authd does not start: $(cat "$WORK/authd.log")"
for _ in $(seq 50); do
  [ "$(sqlite3 "$DB" "SELECT count(*) FROM throttle WHERE key = 'addr:203.0.113.9'")" = 0 ] && break; sleep 0.1
done
[ "$(sqlite3 "$DB" "SELECT count(*) FROM throttle WHERE key = 'addr:203.0.113.9'")" = 0 ] && pass ||
  fail "authd did not forget a stale address count at start"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM throttle WHERE key = 'user:ghost'")" = 1 ] && pass ||
  fail "a user's count must be kept until a login or an unlock"
out=$(login nurse 'Ume-Hana#2026x' "$rc") && pass || fail "recovery code with the new password: $out"

# Not under a running authd; nothing is changed.
expect_exit 1 "restore refuses while authd runs" sk restore "$WORK/backup.skb"
expect_contains "and says why" "authd is running" "$out"
expect_contains "nothing was restored" "intern" "$(sk user list)"
stop_authd

out=$(echo "$PASS" | sk restore "$WORK/backup.skb") && pass || fail "restore: $out"
[ "$(sk user list)" = "$users_before" ] && pass || fail "user list after restore: $(sk user list)"
[ "$(state)" = "$state_before" ] && pass || fail "users, TOTP credentials or recovery codes differ after restore"
out=$(sk audit verify) && pass || fail "audit verify after restore: $out"
expect_contains "the restore is audited" '"event":"system.restore"' "$(sk audit export --format jsonl)"
expect_not_contains "the audit records after the backup are gone with it" '"event":"user.delete"' \
  "$(sk audit export --format jsonl)"

# The restored hashes and factors work: the old password and the recovery code spent after the backup.
start_authd && pass || fail "authd does not start after restore: $(cat "$WORK/authd.log")"
out=$(login nurse 'Ume-Hana#2026x' "$(head -n2 <<<"$codes" | tail -n1)") && fail "the newer password still works" || pass
out=$(login nurse 'Sakura-Hana#2026' "$rc") && pass || fail "old password and recovery code after restore: $out"
expect_contains "login ok" "login ok (recovery)" "$out"
out=$(login doctor 'Fuji-Yama#2026x' 000000) && fail "doctor has no second factor" || pass
expect_contains "doctor is back, with the right password (only then is not_enrolled said)" "not_enrolled" "$out"
expect_contains "the TOTP seed still opens with the master key" "login ok (totp)" \
  "$(sleep $((31 - $(date +%s) % 30)); login nurse 'Sakura-Hana#2026' "$(oathtool --totp -b "$TOTP_KEY")")"
stop_authd
finish
