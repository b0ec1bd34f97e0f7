# Shared helpers for the CLI scenarios. Each scenario is run as: bash SCENARIO.sh PATH/TO/sekisho
set -euo pipefail
SEKISHO=${1:?usage: $0 PATH/TO/sekisho}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sekisho-cli-XXXXXX")
CONFIG="$WORK/sekisho.toml"
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
FAILED=0
PASSED=0

sk() { "$SEKISHO" --config "$CONFIG" "$@"; }

pass() { PASSED=$((PASSED + 1)); }
fail() { echo "FAIL: $*" >&2; FAILED=$((FAILED + 1)); }

# expect_ok DESCRIPTION COMMAND...: the command exits 0.
expect_ok() {
  local what=$1; shift
  if out=$("$@" 2>&1); then pass; else fail "$what (exit $?): $out"; fi
}
# expect_exit CODE DESCRIPTION COMMAND...: the command exits with CODE and prints one error line.
expect_exit() {
  local code=$1 what=$2; shift 2
  local rc=0
  out=$("$@" 2>&1) || rc=$?
  if [ "$rc" -eq "$code" ]; then pass; else fail "$what: expected exit $code, got $rc: $out"; fi
}
# expect_contains DESCRIPTION NEEDLE HAYSTACK
expect_contains() {
  if grep -qF -- "$2" <<<"$3"; then pass; else fail "$1: '$2' not in: $3"; fi
}
expect_not_contains() {
  if grep -qF -- "$2" <<<"$3"; then fail "$1: '$2' found in: $3"; else pass; fi
}
finish() {
  echo "$PASSED passed, $FAILED failed"
  [ "$FAILED" -eq 0 ]
}

# enroll_totp USER: adds an authenticator app, confirming with oathtool's code; sets TOTP_KEY (base32).
enroll_totp() {
  "$(dirname "${BASH_SOURCE[0]}")/../../tools/totp_add_answered.sh" "$WORK/totp.key" \
    "$SEKISHO" --config "$CONFIG" totp add "$1" >/dev/null
  TOTP_KEY=$(cat "$WORK/totp.key")
}
# start_authd: authd in the background (log in $WORK/authd.log, pid in AUTHD_PID) once it answers.
start_authd() {
  "$SEKISHO" --config "$CONFIG" authd >>"$WORK/authd.log" 2>&1 &
  AUTHD_PID=$!
  PIDS+=("$AUTHD_PID")
  for _ in $(seq 100); do sk status >/dev/null 2>&1 && return 0; sleep 0.1; done
  return 1
}
stop_authd() { kill "$AUTHD_PID"; wait "$AUTHD_PID" || true; }
# login USER PASSWORD CODE: `sekisho login` through the running authd; prints its answer.
login() { printf '%s\n%s\n' "$2" "$3" | sk login "$1" 2>&1; }
