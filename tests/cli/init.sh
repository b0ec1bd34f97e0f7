# `sekisho init`, `check-config`, `--help` and the errors a newcomer meets.
source "$(dirname "$0")/lib.sh"

out=$(sk init --state-dir "$WORK/state" 2>&1)
expect_contains "init creates the config" "created  $CONFIG" "$out"
expect_contains "init prints an enrollment link" "https://sekisho.local/.sekisho/enroll?t=" "$out"
expect_contains "init names the first admin" "First admin account: admin" "$out"
[ "$(stat -c %a "$WORK/state")" = 700 ] && pass || fail "state dir is not 0700"
[ "$(stat -c %a "$WORK/state/master.key")" = 600 ] && pass || fail "master key is not 0600"
[ "$(stat -c %a "$WORK/state/audit.key")" = 600 ] && pass || fail "audit key is not 0600"
[ "$(stat -c %s "$WORK/state/master.key")" = 32 ] && pass || fail "master key is not 32 bytes"
key_before=$(sha256sum "$WORK/state/master.key")

out=$(sk init 2>&1)
expect_contains "re-running init keeps the master key" "kept     $WORK/state/master.key" "$out"
expect_contains "re-running init keeps the database" "(exists)" "$out"
expect_not_contains "re-running init issues no new link" "enroll?t=" "$out"
[ "$key_before" = "$(sha256sum "$WORK/state/master.key")" ] && pass || fail "init changed the master key"

expect_ok "check-config passes on a fresh install" sk check-config
expect_not_contains "a fresh install has nothing to warn of" "warning:" "$out"

# A group rule that a later catch-all undoes: check-config passes, but says so.
cp "$CONFIG" "$WORK/before-rules.toml"
cat >>"$CONFIG" <<'TOML'

[[rule]]
groups = ["doctors"]
name = "doctors only"
action = "two_factor"
paths = ["/orders"]
[[rule]]
action = "two_factor"
name = "staff"
TOML
expect_ok "check-config passes with a group rule undone by a later one" sk check-config
expect_contains "and warns of it" "warning: rule 'doctors only' admits only its groups, but rule 'staff'" "$out"
cp "$WORK/before-rules.toml" "$CONFIG"
expect_ok "sekisho --help" "$SEKISHO" --help
for c in init check-config "user add" "user list" "user show" "user disable" "user enable" "user delete" \
         "user passwd" "user unlock" "user reset-factors" "totp add" recovery-codes "audit verify" \
         "audit export" backup restore authd run status; do
  # shellcheck disable=SC2086
  out=$("$SEKISHO" $c --help 2>&1) && pass || fail "$c --help failed"
  expect_contains "$c --help shows usage" "Usage: sekisho $c" "$out"
done

expect_exit 2 "unknown command" sk frobnicate
expect_exit 2 "unknown option" sk user list --colour
expect_exit 2 "missing argument" sk user show
expect_exit 2 "group without subcommand" sk user

cp "$CONFIG" "$WORK/good.toml"
sed -i 's/^\[password\]$/[password]\nprofil = "nist"/' "$CONFIG"
expect_exit 1 "a misspelt key is an error" sk check-config
expect_contains "the error names the key" "password.profil: unknown key" "$out"
[ "$(wc -l <<<"$out")" -eq 1 ] && pass || fail "config error is more than one line: $out"
cp "$WORK/good.toml" "$CONFIG"

mv "$WORK/state/audit.key" "$WORK/audit.key.away"
expect_exit 1 "a missing audit key" sk user list
expect_contains "names the missing key file" "audit.key: cannot read the key file" "$out"
mv "$WORK/audit.key.away" "$WORK/state/audit.key"

chmod 644 "$WORK/state/master.key"
expect_exit 1 "a world-readable master key is refused" sk check-config
expect_contains "says why" "readable by others" "$out"
chmod 600 "$WORK/state/master.key"

cp "$WORK/state/sekisho.db" "$WORK/db.good"
rm -f "$WORK/state/sekisho.db-wal" "$WORK/state/sekisho.db-shm"
head -c 8192 /dev/urandom >"$WORK/state/sekisho.db"
expect_exit 1 "a corrupt database is a one-line error" sk user list
[ "$(wc -l <<<"$out")" -eq 1 ] && pass || fail "corrupt-db error is more than one line: $out"

finish
