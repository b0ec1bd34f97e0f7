#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, runs every test (unit, CLI scenarios),
# then the unit tests again under AddressSanitizer + UndefinedBehaviorSanitizer, then each
# libFuzzer harness for a short while. Any failure stops it with a non-zero exit.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
fuzz_seconds=${SEKISHO_FUZZ_SECONDS:-30}

tools/deps.sh

echo "== build and test"
tools/build.sh
ctest --test-dir build -j"$jobs" --output-on-failure

echo "== unit tests under ASan+UBSan"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSEKISHO_WERROR=ON -DSEKISHO_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan -j"$jobs" -L unit --output-on-failure

echo "== fuzzers (${fuzz_seconds}s each)"
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSEKISHO_BUILD_FUZZERS=ON -DSEKISHO_BUILD_TESTS=OFF >/dev/null
cmake --build build-fuzz -j"$jobs" --target frame_fuzz config_fuzz target_fuzz request_fuzz response_fuzz webauthn_fuzz portal_fuzz banner_fuzz pam_fuzz backup_fuzz
tests/fuzz/run.sh build-fuzz "$fuzz_seconds"
