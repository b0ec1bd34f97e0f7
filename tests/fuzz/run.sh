#!/usr/bin/env bash
# Runs every fuzzer for SECONDS on a scratch copy of its seed corpus; fails if any crashes.
# Usage: tests/fuzz/run.sh BUILD_DIR SECONDS   (BUILD_DIR configured with -DSEKISHO_BUILD_FUZZERS=ON)
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 BUILD_DIR SECONDS" >&2
  exit 2
fi
build_dir=$1
seconds=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

failed=()
for seeds in "$here"/corpus/*/; do
  name=$(basename "$seeds")
  fuzzer="$build_dir/tests/fuzz/$name"
  if [[ ! -x $fuzzer ]]; then
    echo "$name: not built ($fuzzer missing)" >&2
    failed+=("$name")
    continue
  fi
  mkdir -p "$work/$name/corpus" "$work/$name/artifacts"
  cp -r "$seeds". "$work/$name/corpus/"
  echo "== $name: ${seconds}s"
  if ! "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$work/$name/artifacts/" "$work/$name/corpus" > "$work/$name/log" 2>&1; then
    tail -n 40 "$work/$name/log" >&2
    # Keep the crashing inputs where the caller can see them.
    mkdir -p "$build_dir/fuzz-artifacts/$name"
    cp "$work/$name/artifacts/"* "$build_dir/fuzz-artifacts/$name/" 2>/dev/null || true
    echo "$name: FAILED (inputs in $build_dir/fuzz-artifacts/$name/)" >&2
    failed+=("$name")
  else
    grep -E "stat::number_of_executed_runs|cov:" "$work/$name/log" | tail -n 2 || true
    echo "$name: ok"
  fi
done

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzzers that failed: ${failed[*]}" >&2
  exit 1
fi
