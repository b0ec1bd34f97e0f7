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
  sk init --state-dir "$demo/state"
fi

if ! sk user show yamada >/dev/null 2>&1; then
  step "sekisho user add yamada: a nurse's account (prints her one-time enrollment link)"
  sk user add yamada --display-name "山田 花子" --group nurses
  step "sekisho user passwd yamada (the demo password is Sakura-Hana#2026)"
  echo 'Sakura-Hana#2026' | sk user passwd yamada
  step "sekisho totp add yamada (the demo answers with oathtool in place of a phone)"
  coproc TOTP { sk totp add yamada --label "demo phone" 2>&1; }
totp_pid=$TOTP_PID
  while IFS= read -r line <&"${TOTP[0]}"; do
    echo "$line"
    case "$line" in *"enter this key by hand"*) key=${line##*: }; break ;; esac
  done
  echo "$key" >"$demo/yamada-totp.key"
  oathtool --totp -b "$key" >&"${TOTP[1]}"
  cat <&"${TOTP[0]}"
  wait "$totp_pid"
  step "sekisho recovery-codes yamada"
  sk recovery-codes yamada
fi

step "sekisho user list"
sk user list

step "starting authd on $demo/state/authd.sock"
build/cli/sekisho --config "$demo/sekisho.toml" run &
authd=$!
trap 'kill $authd 2>/dev/null || true' EXIT
for _ in $(seq 50); do sk status >/dev/null 2>&1 && break; sleep 0.1; done
sk status

step "a login through authd: password + the code the phone shows now"
sleep $((31 - $(date +%s) % 30))  # a fresh 30-second step, so the code has not been used yet
code=$(oathtool --totp -b "$(cat "$demo/yamada-totp.key")")
printf 'Sakura-Hana#2026\n%s\n' "$code" | sk login yamada || true
step "the same code again is refused (each code works once, on every channel)"
printf 'Sakura-Hana#2026\n%s\n' "$code" | sk login yamada || true

step "sekisho audit verify"
sk audit verify
step "the last audit records (sekisho audit export --format csv)"
sk audit export --format csv | tail -n 5

step "authd keeps running in the foreground; Ctrl-C stops it"
trap - EXIT
wait "$authd"
