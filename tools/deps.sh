#!/usr/bin/env bash
# Installs the Debian 12 packages Sekisho needs to build, run and test, when any is missing.
set -euo pipefail

packages=(
  # build
  cmake ninja-build pkg-config g++ clang libclang-rt-14-dev
  # libraries
  libssl-dev libsqlite3-dev libsodium-dev liboath-dev libqrencode-dev libtoml11-dev
  nlohmann-json3-dev libicu-dev doctest-dev libboost-dev libfido2-dev libcbor-dev libpam0g-dev
  # sd_notify (readiness, reload, watchdog) for the systemd units (core/notify)
  libsystemd-dev
  # the password blocklist is built from these lists
  john cracklib-runtime
  # the demo EHR (Python standard library only) and the gateway's certificates in the demo and tests
  python3 openssl
  # tests: an independent TOTP implementation, the sqlite3 shell to tamper with a database, a real
  # upstream (nginx) and HTTP client (curl) for the gateway; wrk for the benchmarks
  oathtool sqlite3 nginx-light curl wrk
  # PAM tests: the real pamtester, pam_wrapper (private service files), OpenSSH server and client, FreeRADIUS
  # and radclient. Their daemons are started by the tests only (on loopback, free ports); on a machine without a
  # policy-rc.d that forbids it, apt also starts ssh and freeradius as system services
  pamtester libpam-wrapper openssh-server openssh-client freeradius freeradius-utils
  # browser tests: Debian's Chromium, driven by playwright-core (from npm) through the DevTools protocol,
  # and a Japanese font so that the screenshots show the pages as a clinic's PC does
  chromium nodejs fonts-ipafont-gothic
  # package test (tests/integration/package): lintian checks the .deb; dpkg-deb comes with dpkg, and
  # systemd-analyze (verify, security --offline) and adduser (the postinst) are listed for minimal images
  lintian systemd adduser
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# playwright-core for the browser tests, the version pinned by tests/integration/browser/package-lock.json:
# 1.61, the last that runs on Debian 12's Node.js 18 (later ones want Node 20).
browser_tests="$(dirname "$0")/../tests/integration/browser"
if [ ! -f "$browser_tests/node_modules/playwright-core/package.json" ]; then
  command -v npm >/dev/null || DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq npm >/dev/null
  echo "Installing playwright-core (npm)"
  npm ci --prefix "$browser_tests" --no-audit --no-fund --loglevel=error
fi
