#!/bin/sh
# Builds the password blocklist from Debian's word lists (run by core/CMakeLists.txt at build time).
# usage: make_blocklist.sh JOHN_PASSWORD_LST CRACKLIB_SMALL OUTPUT
# Entries are lowercased, at least 4 characters, sorted bytewise and unique, one per line.
set -eu
if [ $# -ne 3 ]; then
  echo "usage: $0 JOHN_PASSWORD_LST CRACKLIB_SMALL OUTPUT" >&2
  exit 2
fi
john=$1 cracklib=$2 out=$3

missing() {
  echo "make_blocklist.sh: $1 not found; install the Debian package '$2' (apt-get install $2)" >&2
  exit 1
}
[ -r "$john" ] || missing "$john" john
[ -r "$cracklib" ] || missing "$cracklib" cracklib-runtime

mkdir -p "$(dirname "$out")"
tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT
# john's list marks comments with "#!comment"; CRs would make "password\r" a different entry.
{ grep -v '^#!comment' "$john" || true; cat "$cracklib"; } |
  LC_ALL=C tr -d '\r' | LC_ALL=C tr 'A-Z' 'a-z' | LC_ALL=C awk 'length($0) >= 4' | LC_ALL=C sort -u > "$tmp"

count=$(wc -l < "$tmp")
if [ "$count" -lt 10000 ]; then
  echo "make_blocklist.sh: only $count entries from $john and $cracklib (need at least 10000)" >&2
  exit 1
fi
mv "$tmp" "$out"
