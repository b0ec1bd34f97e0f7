#!/usr/bin/env bash
# Every subcommand `sekisho --help` lists has a row in the README's command table.
source "$(dirname "$0")/lib.sh"
readme="$(dirname "$0")/../../README.md"

commands=$("$SEKISHO" --help | sed -n 's/^  \([a-z][a-z -]*[a-z]\)  .*/\1/p')
[ -n "$commands" ] || { echo "no commands parsed from sekisho --help"; exit 1; }
while IFS= read -r name; do
  if grep -q "^| \`sekisho $name[ \`]" "$readme"; then pass "README documents sekisho $name"
  else fail "README has no row for sekisho $name"; fi
done <<< "$commands"
finish
