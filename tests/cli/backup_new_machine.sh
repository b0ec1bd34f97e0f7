# Disaster recovery: an encrypted backup taken while authd runs, the state directory wiped, `sekisho
# init` on the "new machine", restore, and the same user logs in with the old password and TOTP code.
# A tampered, truncated or wrongly unlocked backup is refused and changes nothing. Generations with
# --dir/--keep. rotate-keys re-seals the seeds and the user still logs in.
source "$(dirname "$0")/lib.sh"
command -v oathtool >/dev/null || { echo "FAIL: oathtool is not installed (tools/deps.sh installs it)"; exit 1; }
PASS='Hakone-Sekisho-1619'
STATE="$WORK/state"
# flip_byte FILE OFFSET: changes one byte in place.
flip_byte() { python3 -c 'import sys; p, i = sys.argv[1], int(sys.argv[2]); b = bytearray(open(p, "rb").read()); b[i] ^= 1; open(p, "wb").write(b)' "$1" "$2"; }
# next_code: the code of the next 30-second step (the current one may be spent already).
next_code() { sleep $((31 - $(date +%s) % 30)); oathtool --totp -b "$TOTP_KEY"; }

sk init --state-dir "$STATE" >/dev/null
sk user add nurse >/dev/null
echo 'Sakura-Hana#2026' | sk user passwd nurse >/dev/null
enroll_totp nurse
printf '%s\n' "$PASS" >"$WORK/pass"
chmod 600 "$WORK/pass"

# Online, while authd runs; the passphrase from a root-only file.
start_authd && pass || fail "authd does not start: $(cat "$WORK/authd.log")"
out=$(sk backup "$WORK/b.skb" --passphrase-file "$WORK/pass") && pass || fail "backup: $out"
[ "$(stat -c %a "$WORK/b.skb")" = 600 ] && pass || fail "the backup is not 0600"
[ "$(head -c 17 "$WORK/b.skb")" = "SEKISHO-BACKUP v1" ] && pass || fail "no SEKISHO-BACKUP v1 header"
grep -qa -e nurse -e 'SQLite format' "$WORK/b.skb" && fail "the backup holds plaintext" || pass
ls -a "$WORK" | grep -q '^\.b\.skb\.' && fail "a temp file was left behind" || pass
expect_exit 1 "a backup never overwrites a file" sk backup "$WORK/b.skb" --passphrase-file "$WORK/pass"
expect_contains "and says so" "exists already" "$out"
chmod 644 "$WORK/pass"
expect_exit 1 "a passphrase file readable by others is refused" sk backup "$WORK/c.skb" --passphrase-file "$WORK/pass"
expect_contains "and says so" "chmod 600" "$out"
chmod 600 "$WORK/pass"
ln -s "$WORK/pass" "$WORK/pass-link"
expect_exit 1 "a symlinked passphrase file is refused" sk backup "$WORK/c.skb" --passphrase-file "$WORK/pass-link"
out=$(echo 'too-short' | sk backup "$WORK/c.skb" 2>&1) && fail "a short passphrase was accepted" || pass
expect_contains "and says so" "too short" "$out"
[ -e "$WORK/c.skb" ] && fail "a refused backup left a file" || pass
expect_exit 2 "FILE and --dir together" sk backup "$WORK/c.skb" --dir "$WORK"
expect_exit 2 "--keep 0" sk backup --dir "$WORK" --keep 0
stop_authd

# Generations for a timer: the newest N of ours are kept; anything else in the directory is left alone.
mkdir "$WORK/gen"
touch "$WORK/gen/sekisho-20200101-000000.skb" "$WORK/gen/notes.txt"
for _ in 1 2 3; do
  out=$(sk backup --dir "$WORK/gen" --keep 2 --passphrase-file "$WORK/pass") && pass || fail "backup --dir: $out"
  sleep 1
done
[ "$(ls "$WORK/gen" | grep -c '^sekisho-.*\.skb$')" = 2 ] && pass || fail "--keep 2 kept: $(ls "$WORK/gen")"
[ -e "$WORK/gen/notes.txt" ] && pass || fail "--keep deleted a file that is not a backup"
[ -e "$WORK/gen/sekisho-20200101-000000.skb" ] && fail "the oldest generation was kept" || pass
expect_contains "backups are audited" '"event":"system.backup"' "$(sk audit export --format jsonl)"

# A new machine: the state directory and config are gone; `sekisho init` makes new keys.
rm -rf "$STATE" "$CONFIG"
sk init --state-dir "$STATE" >/dev/null
fresh=$(sha256sum "$STATE/master.key" "$STATE/audit.key" "$STATE/sekisho.db")
refused() {  # refused DESCRIPTION NEEDLE FILE [PASSPHRASE]
  local rc=0
  out=$(echo "${4:-$PASS}" | sk restore "$3" 2>&1) || rc=$?
  [ "$rc" = 1 ] && pass || fail "$1: exit $rc: $out"
  expect_contains "$1: says why" "$2" "$out"
  [ "$(wc -l <<<"$out")" = 1 ] && pass || fail "$1: more than one line: $out"
  [ "$fresh" = "$(sha256sum "$STATE/master.key" "$STATE/audit.key" "$STATE/sekisho.db")" ] && pass ||
    fail "$1: the state changed"
}
refused "wrong passphrase" "wrong passphrase" "$WORK/b.skb" 'Hakone-Sekisho-1620'
for at in 0 20 40 70 200 $(($(stat -c %s "$WORK/b.skb") - 1)); do
  cp "$WORK/b.skb" "$WORK/t.skb"; flip_byte "$WORK/t.skb" "$at"
  refused "one changed byte at $at" "nothing was changed" "$WORK/t.skb"
done
head -c 1000 "$WORK/b.skb" >"$WORK/t.skb"
refused "a truncated backup" "truncated" "$WORK/t.skb"
cp "$STATE/sekisho.db" "$WORK/t.skb"
refused "an old unencrypted backup (a plain database)" "not a Sekisho backup" "$WORK/t.skb"
sed 's/SEKISHO-BACKUP v1/SEKISHO-BACKUP v9/' "$WORK/b.skb" >"$WORK/t.skb"
refused "an unknown version" "does not know" "$WORK/t.skb"
[ -e "$STATE/master.key.retired" ] && fail "a refused restore retired a key" || pass

# The state directory belongs to the service user; root restores: the keys keep that owner.
chown -R 65534:65534 "$STATE"
out=$(echo "$PASS" | sk restore "$WORK/b.skb") && pass || fail "restore: $out"
for f in master.key audit.key master.key.retired; do
  [ "$(stat -c %u:%g "$STATE/$f")" = 65534:65534 ] && pass || fail "$f lost its owner: $(stat -c %u:%g "$STATE/$f")"
done
expect_contains "nurse is back" "nurse" "$(sk user list)"
out=$(sk audit verify) && pass || fail "audit verify after restore: $out"
expect_contains "the restore is audited" '"event":"system.restore"' "$(sk audit export --format jsonl)"
for f in master.key audit.key; do
  [ "$(stat -c %a "$STATE/$f")" = 600 ] && pass || fail "$f is not 0600 after restore"
done
start_authd && pass || fail "authd does not start after restore: $(cat "$WORK/authd.log")"
out=$(login nurse 'Sakura-Hana#2026' "$(next_code)") && pass || fail "old password and TOTP after restore: $out"
expect_contains "login ok" "login ok (totp)" "$out"

# Key rotation: refused under a running authd (it holds the keys it loaded), then the seeds re-sealed.
expect_exit 1 "rotate-keys refuses while authd runs" sk rotate-keys
expect_contains "and says why" "authd is running" "$out"
stop_authd
old_key=$(sha256sum <"$STATE/master.key")
out=$(sk rotate-keys) && pass || fail "rotate-keys: $out"
expect_contains "one secret re-sealed" "1 secret(s) re-sealed" "$out"
[ "$old_key" != "$(sha256sum <"$STATE/master.key")" ] && pass || fail "rotate-keys kept the master key"
[ "$(stat -c %a "$STATE/master.key.retired")" = 700 ] && pass || fail "the retired key directory is not 0700"
ls "$STATE/master.key.retired" | grep -qE '^[0-9a-f]{8}\.key$' && pass || fail "no retired key file"
expect_contains "rotation is audited" '"event":"system.rotate_keys"' "$(sk audit export --format jsonl)"
out=$(sk audit verify) && pass || fail "audit verify after rotate-keys: $out"
start_authd && pass || fail "authd does not start after rotate-keys: $(cat "$WORK/authd.log")"
out=$(login nurse 'Sakura-Hana#2026' "$(next_code)") && pass || fail "TOTP after rotate-keys: $out"
expect_contains "login ok" "login ok (totp)" "$out"
stop_authd
# The backup from before the rotation still restores and opens (its own key comes back with it).
out=$(echo "$PASS" | sk restore "$WORK/b.skb") && pass || fail "restore of the pre-rotation backup: $out"
finish
