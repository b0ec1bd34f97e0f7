#include "core/seal/sealer.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "tests/unit/temp_dir.hpp"

using namespace sekisho;

namespace {

seal::keyring fresh_keyring(const test::temp_dir& dir, const char* name) {
  const auto path = dir.path() / name;
  if (!seal::keyring::create(path).ok()) FAIL("cannot create " << path);
  auto k = seal::keyring::load(path);
  if (!k.ok()) FAIL(k.message());
  return std::move(*k);
}

const seal::binding here{"totp_credentials", 7, 42};
const std::string seed = "12345678901234567890";

}  // namespace

TEST_CASE("a sealed value opens in its own row and has the documented layout") {
  test::temp_dir dir;
  const auto keys = fresh_keyring(dir, "master.key");
  const auto sealed = seal::seal(keys, seed, here);
  REQUIRE(sealed.size() == 1 + 4 + 12 + seed.size() + 16);
  CHECK(sealed[0] == '\x01');
  const std::uint32_t id = (std::uint32_t{static_cast<unsigned char>(sealed[1])} << 24) |
                           (std::uint32_t{static_cast<unsigned char>(sealed[2])} << 16) |
                           (std::uint32_t{static_cast<unsigned char>(sealed[3])} << 8) |
                           std::uint32_t{static_cast<unsigned char>(sealed[4])};
  CHECK(id == keys.current_id());
  CHECK(sealed.find(seed) == std::string::npos);

  auto opened = seal::unseal(keys, sealed, here);
  REQUIRE_MESSAGE(opened.ok(), opened.message());
  CHECK(opened->view() == seed);

  // A fresh nonce every time: the same secret never seals to the same bytes.
  CHECK(seal::seal(keys, seed, here) != sealed);
  // Empty and long values work too.
  CHECK(seal::unseal(keys, seal::seal(keys, "", here), here)->empty());
  const std::string big(5000, 's');
  CHECK(seal::unseal(keys, seal::seal(keys, big, here), here)->view() == big);
}

TEST_CASE("changing any bit of a sealed value makes it refuse to open") {
  test::temp_dir dir;
  const auto keys = fresh_keyring(dir, "master.key");
  const auto sealed = seal::seal(keys, seed, here);
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      auto damaged = sealed;
      damaged[i] = static_cast<char>(damaged[i] ^ (1 << bit));
      CAPTURE(i);
      CAPTURE(bit);
      auto r = seal::unseal(keys, damaged, here);
      CHECK_FALSE(r.ok());
      // The key id bytes name another key; everything else is plain damage.
      if (!r.ok() && (i < 1 || i > 4)) CHECK(r.message() == "sealed value is damaged or belongs elsewhere");
    }
  }
  CHECK_FALSE(seal::unseal(keys, sealed.substr(0, sealed.size() - 1), here).ok());
  CHECK_FALSE(seal::unseal(keys, sealed + "x", here).ok());
  CHECK_FALSE(seal::unseal(keys, "", here).ok());
  CHECK_FALSE(seal::unseal(keys, sealed.substr(0, 32), here).ok());
}

TEST_CASE("a sealed value copied to another user, row or table does not open") {
  test::temp_dir dir;
  const auto keys = fresh_keyring(dir, "master.key");
  const auto sealed = seal::seal(keys, seed, here);
  const seal::binding elsewhere[] = {
      {"totp_credentials", 7, 43},  // another user
      {"totp_credentials", 8, 42},  // another row
      {"recovery_codes", 7, 42},    // another table
      {"totp_credentials", 42, 7},  // row and user swapped
      {"totp_credentials", -7, 42},
      {"", 7, 42},
  };
  for (const auto& b : elsewhere) {
    CAPTURE(b.table);
    CAPTURE(b.row);
    CAPTURE(b.user);
    auto r = seal::unseal(keys, sealed, b);
    CHECK_FALSE(r.ok());
    if (!r.ok()) CHECK(r.message() == "sealed value is damaged or belongs elsewhere");
  }
}

TEST_CASE("a value sealed under an unknown key is refused and the key id is named") {
  test::temp_dir dir;
  const auto a = fresh_keyring(dir, "a.key");
  const auto b = fresh_keyring(dir, "b.key");
  const auto sealed = seal::seal(a, seed, here);
  auto r = seal::unseal(b, sealed, here);
  REQUIRE_FALSE(r.ok());
  char expected[64];
  std::snprintf(expected, sizeof expected, "sealed with an unknown key (id 0x%08x)", a.current_id());
  CHECK(r.message() == expected);
}

TEST_CASE("after a key rotation old values still open and new values use the new key") {
  test::temp_dir dir;
  const auto old_keys = fresh_keyring(dir, "old.key");
  const auto old_sealed = seal::seal(old_keys, seed, here);

  auto keys = fresh_keyring(dir, "new.key");
  CHECK_FALSE(seal::unseal(keys, old_sealed, here).ok());
  keys.add_retired(old_keys.current());
  auto opened = seal::unseal(keys, old_sealed, here);
  REQUIRE_MESSAGE(opened.ok(), opened.message());
  CHECK(opened->view() == seed);

  const auto new_sealed = seal::seal(keys, seed, here);
  CHECK(new_sealed.substr(1, 4) != old_sealed.substr(1, 4));
  CHECK(seal::unseal(keys, new_sealed, here)->view() == seed);
  // The old keyring alone cannot open what the new key sealed.
  CHECK_FALSE(seal::unseal(old_keys, new_sealed, here).ok());
}
