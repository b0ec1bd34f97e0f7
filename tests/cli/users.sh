# Accounts and factors from the command line, checked against an independent TOTP tool (oathtool).
source "$(dirname "$0")/lib.sh"
command -v oathtool >/dev/null || { echo "FAIL: oathtool is not installed (tools/deps.sh installs it)"; exit 1; }
sk init --state-dir "$WORK/state" >/dev/null

out=$(sk user add yamada --display-name "山田 花子" --group nurses 2>&1) && pass || fail "user add: $out"
expect_contains "user add prints a link" "enroll?t=" "$out"
expect_exit 1 "a duplicate name is refused" sk user add yamada
expect_exit 1 "an invalid name is refused" sk user add "Bad Name"
expect_exit 1 "an upper-case name is refused" sk user add Yamada

expect_exit 1 "a weak password is refused (mhlw needs letters, digits, symbols)" sh -c "echo abcdefgh1 | '$SEKISHO' --config '$CONFIG' user passwd yamada"
expect_contains "the refusal says why in Japanese" "記号" "$out"
sed -i 's/^profile = "mhlw"/profile = "nist"/' "$CONFIG"
expect_exit 1 "a blocklisted password is refused (nist profile)" sh -c "echo 'iloveyou' | '$SEKISHO' --config '$CONFIG' user passwd yamada"
expect_contains "the refusal says why" "common" "$out"
sed -i 's/^profile = "nist"/profile = "mhlw"/' "$CONFIG"
expect_exit 1 "a password containing the name is refused" sh -c "echo 'yamada#2024x' | '$SEKISHO' --config '$CONFIG' user passwd yamada"
expect_ok "a good password is accepted" sh -c "echo 'Sakura-Hana#2026' | '$SEKISHO' --config '$CONFIG' user passwd yamada"
hash=$(sqlite3 "$WORK/state/sekisho.db" "SELECT password_hash FROM users WHERE name='yamada'")
expect_contains "the password is stored as Argon2id" '$argon2id$v=19$m=65536,t=3,p=1$' "$hash"
expect_not_contains "not in plain text" "Sakura-Hana" "$(strings "$WORK/state/sekisho.db")"

# TOTP: read the key printed for hand entry, answer with oathtool's code.
answer=$(dirname "$0")/../../tools/totp_add_answered.sh
out=$("$answer" "$WORK/totp.key" "$SEKISHO" --config "$CONFIG" totp add yamada --label "iPhone") && pass ||
  fail "totp add with the right code failed: $out"
key=$(cat "$WORK/totp.key" 2>/dev/null || true)
[ -n "$key" ] && pass || fail "totp add printed no key"
expect_contains "totp add confirms" "Authenticator app added" "$out"
sealed=$(sqlite3 "$WORK/state/sekisho.db" "SELECT hex(sealed_secret) FROM totp_credentials")
raw=$(python3 -c "import base64,sys; print(base64.b32decode(sys.argv[1]+'='*(-len(sys.argv[1])%8)).hex().upper())" "$key")
expect_not_contains "the TOTP secret is sealed, not stored raw" "$raw" "$sealed"

expect_exit 1 "totp add with a wrong code saves nothing" sh -c "echo 000000 | '$SEKISHO' --config '$CONFIG' totp add yamada"
[ "$(sqlite3 "$WORK/state/sekisho.db" "SELECT count(*) FROM totp_credentials")" = 1 ] && pass || fail "a wrong confirmation saved a credential"

out=$(sk recovery-codes yamada 2>&1)
[ "$(grep -cE '^  [0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$' <<<"$out")" = 10 ] && pass || fail "recovery-codes did not print 10 codes: $out"
[ "$(sqlite3 "$WORK/state/sekisho.db" "SELECT count(*) FROM recovery_codes WHERE code_hash LIKE '\$argon2id\$%'")" = 10 ] && pass || fail "recovery codes not stored hashed"

out=$(sk user list); expect_contains "list shows the user with one TOTP and 10 codes" "yamada" "$out"
expect_contains "list columns" "RECOVERY" "$out"
out=$(sk user show yamada); expect_contains "show lists groups" "nurses" "$out"
expect_contains "show lists the TOTP label" "iPhone" "$out"

# Groups after the account exists: added, removed, shown; bad names and a group the user is not in refused.
expect_ok "groups shows them" sk user groups yamada
expect_contains "as they are" "グループ: nurses" "$out"
expect_ok "groups --add" sk user groups yamada --add "ward 3" --add 看護部 --add nurses
expect_contains "adds each once" "nurses, ward 3, 看護部" "$out"
expect_ok "groups --remove" sk user groups yamada --remove nurses
expect_contains "removes" "グループ: ward 3, 看護部" "$out"
expect_exit 1 "a group the user is not in" sk user groups yamada --remove doctors
expect_contains "is named" "not in group 'doctors': nothing changed" "$out"
expect_exit 1 "a group name with a comma" sk user groups yamada --add "a,b"
expect_contains "is refused" "not a valid group name" "$out"
expect_exit 1 "user add with a padded group name" sk user add suzuki --group " nurses"
expect_contains "the groups are unchanged" "ward 3, 看護部" "$(sk user show yamada)"
expect_contains "the audit has the new groups" '"groups":["ward 3","看護部"]' \
  "$(sqlite3 "$WORK/state/sekisho.db" "SELECT details FROM audit_log WHERE event='user.groups'")"

# Being an admin is being in group admins: removing the group ends it (user show said "admin yes" before).
expect_ok "user add --admin" sk user add sato --admin
expect_contains "an admin" "admin           yes" "$(sk user show sato)"
expect_ok "groups --remove admins" sk user groups sato --remove admins
expect_contains "is no longer one" "admin           no" "$(sk user show sato)"
expect_ok "groups --add admins" sk user groups yamada --add admins
expect_contains "makes one" "admin           yes" "$(sk user show yamada)"
expect_ok "and --remove undoes it" sk user groups yamada --remove admins
expect_ok "user add --group admins" sk user add kato --group admins
expect_contains "is audited as adding an admin too" '"admin":true' \
  "$(sqlite3 "$WORK/state/sekisho.db" "SELECT details FROM audit_log WHERE event='user.add' AND user='kato'")"

sk user disable yamada >/dev/null; out=$(sk user show yamada); expect_contains "disable" "disabled" "$out"
sk user enable yamada >/dev/null; out=$(sk user show yamada); expect_contains "enable" "active" "$out"

sqlite3 "$WORK/state/sekisho.db" "INSERT INTO throttle(key, failures, last_failure_at) VALUES('user:yamada', 100, 1)"
out=$(sk user show yamada); expect_contains "100 failures show as locked" "locked" "$out"
expect_ok "unlock" sk user unlock yamada
out=$(sk user show yamada); expect_contains "unlocked" "active" "$out"

out=$(sk user reset-factors yamada 2>&1)
expect_contains "reset-factors prints a new link" "enroll?t=" "$out"
[ "$(sqlite3 "$WORK/state/sekisho.db" "SELECT count(*) FROM totp_credentials")" = 0 ] && pass || fail "reset-factors kept the TOTP"
[ "$(sqlite3 "$WORK/state/sekisho.db" "SELECT count(*) FROM enrollment_tokens WHERE user_id=(SELECT id FROM users WHERE name='yamada') AND used_at IS NULL")" = 1 ] && pass || fail "old links were not voided"

expect_ok "delete" sk user delete yamada
expect_exit 1 "deleted user is gone" sk user show yamada

audit=$(sqlite3 "$WORK/state/sekisho.db" "SELECT group_concat(event, ' ') FROM audit_log")
for e in user.add user.groups user.passwd totp.add recovery_codes.generate user.disable user.enable \
         user.unlock user.reset_factors user.delete enrollment.link_issued; do
  expect_contains "audited: $e" "$e" "$audit"
done
expect_not_contains "no password in the audit" "Sakura" "$(sqlite3 "$WORK/state/sekisho.db" "SELECT details FROM audit_log")"
finish
