# Every dependency comes from a Debian 12 package; tools/deps.sh installs them.
find_package(PkgConfig REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(Threads REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(toml11 REQUIRED)
find_package(Boost 1.74 REQUIRED)  # Asio and Beast, compiled once in gateway/net
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(OATH REQUIRED IMPORTED_TARGET liboath)
pkg_check_modules(QRENCODE REQUIRED IMPORTED_TARGET libqrencode)
pkg_check_modules(SQLITE REQUIRED IMPORTED_TARGET sqlite3)
pkg_check_modules(ICU REQUIRED IMPORTED_TARGET icu-uc)
# WebAuthn: libfido2 verifies signatures and attestation statements; libcbor parses what it does not.
pkg_check_modules(FIDO2 REQUIRED IMPORTED_TARGET libfido2)
pkg_check_modules(CBOR REQUIRED IMPORTED_TARGET libcbor)
# sd_notify: readiness, reload and watchdog under systemd (core/notify only).
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)
if(SEKISHO_BUILD_TESTS)
  find_package(doctest REQUIRED)
endif()
