#!/usr/bin/env bash
# Configures and builds Sekisho in build/ (tests included). Extra arguments go to cmake.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSEKISHO_WERROR=ON "$@" >/dev/null
cmake --build build -j"$(nproc)"
