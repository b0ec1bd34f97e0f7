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
