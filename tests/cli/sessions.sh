# Web sessions from the admin's side: `sekisho session list` shows a session opened through authd, with the
# tag the access log uses; `sekisho session revoke` ends it (by tag or for a user), refuses vague tags, and
# is audited.
source "$(dirname "$0")/lib.sh"
sk init --state-dir "$WORK/state" >/dev/null
sk user add nurse >/dev/null
echo 'Sakura-Hana#2026' | sk user passwd nurse >/dev/null
enroll_totp nurse
codes=$(sk recovery-codes nurse | grep -E '^  [0-9a-z]{4}-' | tr -d ' ')
start_authd || true

open_session() { printf '%s\n%s\n' 'Sakura-Hana#2026' "$1" | sk login nurse --session 2>/dev/null | tail -n1; }
first=$(open_session "$(sed -n 1p <<<"$codes")")
second=$(open_session "$(sed -n 2p <<<"$codes")")
[ ${#first} -ge 40 ] && [ ${#second} -ge 40 ] && pass || fail "sessions not opened: '$first' '$second'"

tag_of() { printf '%s' "$1" | sha256sum | cut -c1-16; }
list=$(sk session list)
expect_contains "list shows the first session's tag" "$(tag_of "$first")" "$list"
expect_contains "list shows the second session's tag" "$(tag_of "$second")" "$list"
expect_contains "list names the user and method" "nurse" "$list"
expect_contains "list says live" "live" "$list"
expect_not_contains "list never shows a session id" "$first" "$list"

expect_exit 1 "a tag shorter than 8 digits is refused" sk session revoke "$(tag_of "$first" | cut -c1-7)"
expect_exit 1 "a tag that is not hex is refused" sk session revoke zzzzzzzz
expect_exit 1 "an unknown tag is refused" sk session revoke 0000000000000000
expect_exit 1 "a tag and --user together are refused" sk session revoke "$(tag_of "$first")" --user nurse
expect_exit 1 "nothing named is refused" sk session revoke
expect_ok "revoke by tag" sk session revoke "$(tag_of "$first" | cut -c1-10)"
list=$(sk session list --all)
expect_not_contains "the revoked session is gone" "$(tag_of "$first")" "$list"
expect_contains "the other one stays" "$(tag_of "$second")" "$list"
expect_ok "revoke every session of a user" sk session revoke --user nurse
expect_contains "none left" "no sessions" "$(sk session list --all)"
expect_exit 1 "revoke for an unknown user is refused" sk session revoke --user nobody

# Resetting a user's factors (a lost key) ends the sessions that user has open.
third=$(open_session "$(sed -n 3p <<<"$codes")")
expect_contains "a new session is live" "$(tag_of "$third")" "$(sk session list)"
expect_ok "reset-factors" sk user reset-factors nurse
expect_contains "reset-factors ends the user's sessions" "no sessions" "$(sk session list --all)"

events=$(sk audit export --format jsonl)
expect_contains "revocation audited with the tag" "$(tag_of "$first")" "$events"
expect_contains "revocation audited" '"event":"session.revoke"' "$events"
finish
