#!/usr/bin/env bash
# Installs the Debian 12 packages Sekisho needs to build, run and test, when any is missing.
set -euo pipefail

packages=(
  # build
  cmake ninja-build pkg-config g++ clang libclang-rt-14-dev
  # libraries
  libssl-dev libsqlite3-dev libsodium-dev liboath-dev libqrencode-dev libtoml11-dev
  nlohmann-json3-dev libicu-dev doctest-dev libboost-dev libfido2-dev libcbor-dev
  # the password blocklist is built from these lists
  john cracklib-runtime
  # the demo EHR (Python standard library only) and the gateway's certificates in the demo and tests
  python3 openssl
  # tests: an independent TOTP implementation, the sqlite3 shell to tamper with a database, a real
  # upstream (nginx) and HTTP client (curl) for the gateway; wrk for the benchmarks
  oathtool sqlite3 nginx-light curl wrk
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
