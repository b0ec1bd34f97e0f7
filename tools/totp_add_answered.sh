#!/usr/bin/env bash
# `sekisho totp add` answered by oathtool in place of a phone, for the demo and the tests:
#   tools/totp_add_answered.sh KEY_FILE SEKISHO [--config FILE] totp add USER [--label L]
# Prints what the command prints, writes the key it shows for hand entry to KEY_FILE, answers with the
# current code, and exits with the command's status. The command's output goes to a file and its answer
# comes through a FIFO: with a bash coprocess, bash closed the pipe and unset its variable as soon as the
# command ended, which under load was before its last lines had been read.
set -euo pipefail
key_file=$1
shift
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkfifo "$dir/answer"
"$@" <"$dir/answer" >"$dir/out" 2>&1 &
pid=$!
exec {answer}>"$dir/answer"
key=""
for _ in $(seq 300); do  # up to 30 s for the key, unless the command ends first
  key=$(sed -n 's/.*enter this key by hand[^:]*: *//p' "$dir/out")
  if [ -n "$key" ] || ! kill -0 "$pid" 2>/dev/null; then break; fi
  sleep 0.1
done
if [ -n "$key" ]; then
  printf '%s\n' "$key" >"$key_file"
  oathtool --totp -b "$key" >&"$answer"
fi
exec {answer}>&-  # no key: the command reads the end of its input and says what went wrong
status=0
wait "$pid" || status=$?
cat "$dir/out"
exit "$status"
