#include "core/totp/totp.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace sekisho;
using totp::totp_params;

namespace {

const std::string seed_sha1 = "12345678901234567890";
// RFC 6238 erratum: the Appendix B table needs 32- and 64-byte seeds for SHA-256 and SHA-512.
const std::string seed_sha256 = "12345678901234567890123456789012";
const std::string seed_sha512 = "1234567890123456789012345678901234567890123456789012345678901234";

struct rfc6238_row {
  std::int64_t time;
  const char* sha1;
  const char* sha256;
  const char* sha512;
};

constexpr rfc6238_row rfc6238[] = {
    {59, "94287082", "46119246", "90693936"},
    {1111111109, "07081804", "68084774", "25091201"},
    {1111111111, "14050471", "67062674", "99943326"},
    {1234567890, "89005924", "91819424", "93441116"},
    {2000000000, "69279037", "90698825", "38618901"},
    {20000000000, "65353130", "77737706", "47863826"},  // beyond 32-bit time (year 2603)
};

}  // namespace

TEST_CASE("RFC 4226 HOTP vectors through TOTP steps (SHA-1, 6 digits)") {
  const char* hotp[] = {"755224", "287082", "359152", "969429", "338314",
                        "254676", "287922", "162583", "399871", "520489"};
  const totp_params p;  // SHA-1, 6 digits, 30 s
  for (std::int64_t count = 0; count < 10; ++count) {
    CAPTURE(count);
    const std::int64_t now = count * 30;
    CHECK(totp::generate_code(seed_sha1, p, now) == hotp[count]);
    CHECK(totp::verify_code(seed_sha1, p, hotp[count], now, 0) == count);
    CHECK(totp::verify_code(seed_sha1, p, hotp[count], now + 29, 1) == count);
  }
}

TEST_CASE("RFC 6238 Appendix B vectors for SHA-1, SHA-256 and SHA-512 (8 digits)") {
  for (const auto& row : rfc6238) {
    CAPTURE(row.time);
    const std::int64_t step = row.time / 30;
    const struct {
      totp_algorithm alg;
      const std::string& seed;
      const char* code;
    } cases[] = {{totp_algorithm::sha1, seed_sha1, row.sha1},
                 {totp_algorithm::sha256, seed_sha256, row.sha256},
                 {totp_algorithm::sha512, seed_sha512, row.sha512}};
    for (const auto& c : cases) {
      CAPTURE(to_string(c.alg));
      const totp_params p{c.alg, 8, 30};
      CHECK(totp::generate_code(c.seed, p, row.time) == c.code);
      CHECK(totp::verify_code(c.seed, p, c.code, row.time, 1) == step);
    }
  }
  // The 20-byte seed with SHA-256 gives a different code: the erratum matters.
  CHECK(totp::generate_code(seed_sha1, {totp_algorithm::sha256, 8, 30}, 59) != "46119246");
}

TEST_CASE("the window accepts exactly the neighbouring steps and reports the matched one") {
  const totp_params p;
  const std::int64_t now = 1111111111;
  const std::int64_t t = now / 30;
  auto code_at = [&](std::int64_t step) { return totp::generate_code(seed_sha1, p, step * 30); };

  CHECK(totp::verify_code(seed_sha1, p, code_at(t), now, 1) == t);
  CHECK(totp::verify_code(seed_sha1, p, code_at(t - 1), now, 1) == t - 1);
  CHECK(totp::verify_code(seed_sha1, p, code_at(t + 1), now, 1) == t + 1);
  CHECK_FALSE(totp::verify_code(seed_sha1, p, code_at(t - 2), now, 1).has_value());
  CHECK_FALSE(totp::verify_code(seed_sha1, p, code_at(t + 2), now, 1).has_value());

  CHECK(totp::verify_code(seed_sha1, p, code_at(t), now, 0) == t);
  CHECK_FALSE(totp::verify_code(seed_sha1, p, code_at(t - 1), now, 0).has_value());
  CHECK_FALSE(totp::verify_code(seed_sha1, p, code_at(t + 1), now, 0).has_value());

  CHECK(totp::verify_code(seed_sha1, p, code_at(t - 2), now, 2) == t - 2);
  CHECK(totp::verify_code(seed_sha1, p, code_at(t + 2), now, 2) == t + 2);
  CHECK_FALSE(totp::verify_code(seed_sha1, p, code_at(t - 3), now, 2).has_value());
  CHECK_FALSE(totp::verify_code(seed_sha1, p, code_at(t + 3), now, 2).has_value());

  CHECK_FALSE(totp::verify_code(seed_sha1, p, code_at(t), now, -1).has_value());
}

TEST_CASE("a code from another secret or a wrong code is refused") {
  const totp_params p;
  const std::int64_t now = 1234567890;
  const auto code = totp::generate_code(seed_sha1, p, now);
  CHECK_FALSE(totp::verify_code("another secret 12345", p, code, now, 1).has_value());
  std::string wrong = code;
  wrong[5] = wrong[5] == '9' ? '0' : static_cast<char>(wrong[5] + 1);
  CHECK_FALSE(totp::verify_code(seed_sha1, p, wrong, now, 1).has_value());
  // A code generated for SHA-256 does not pass as SHA-1.
  const auto sha256_code = totp::generate_code(seed_sha1, {totp_algorithm::sha256, 6, 30}, now);
  REQUIRE(sha256_code != code);
  CHECK_FALSE(totp::verify_code(seed_sha1, p, sha256_code, now, 0).has_value());
}

TEST_CASE("malformed codes are refused; spaces are ignored") {
  const totp_params p;  // at time 0..29 the code is 755224
  CHECK(totp::verify_code(seed_sha1, p, "755224", 10, 0) == 0);
  CHECK(totp::verify_code(seed_sha1, p, " 755224", 10, 0) == 0);
  CHECK(totp::verify_code(seed_sha1, p, "755 224", 10, 0) == 0);
  CHECK(totp::verify_code(seed_sha1, p, "755224  ", 10, 0) == 0);
  for (const char* bad : {"", "      ", "75522", "12345", "7552240", "1234567", "12a456", "75522a", "+755224",
                          "755224\n", "\xef\xbc\x97\xef\xbc\x95\xef\xbc\x95\xef\xbc\x92\xef\xbc\x92\xef\xbc\x94"}) {
    CAPTURE(bad);
    CHECK_FALSE(totp::verify_code(seed_sha1, p, bad, 10, 1).has_value());
  }
  // A 6-digit code does not pass for an 8-digit credential, nor a truncated 8-digit code for 6.
  CHECK_FALSE(totp::verify_code(seed_sha1, {totp_algorithm::sha1, 8, 30}, "287082", 59, 1).has_value());
  CHECK_FALSE(totp::verify_code(seed_sha1, p, "94287082", 59, 1).has_value());
}

TEST_CASE("unusable parameters are refused, not guessed") {
  CHECK_FALSE(totp::verify_code("", {}, "755224", 10, 1).has_value());
  CHECK_FALSE(totp::verify_code(seed_sha1, {totp_algorithm::sha1, 5, 30}, "55224", 10, 1).has_value());
  CHECK_FALSE(totp::verify_code(seed_sha1, {totp_algorithm::sha1, 9, 30}, "755224000", 10, 1).has_value());
  CHECK_FALSE(totp::verify_code(seed_sha1, {totp_algorithm::sha1, 6, 0}, "755224", 10, 1).has_value());
  CHECK(totp::generate_code(seed_sha1, {totp_algorithm::sha1, 6, 0}, 10).empty());
  CHECK(totp::generate_code("", {}, 10).empty());
}

TEST_CASE("generated secrets are as long as the HMAC and never repeat") {
  CHECK(totp::generate_secret(totp_algorithm::sha1).size() == 20);
  CHECK(totp::generate_secret(totp_algorithm::sha256).size() == 32);
  CHECK(totp::generate_secret(totp_algorithm::sha512).size() == 64);
  CHECK(totp::generate_secret(totp_algorithm::sha1) != totp::generate_secret(totp_algorithm::sha1));
  const auto s = totp::generate_secret(totp_algorithm::sha256);
  const totp_params p{totp_algorithm::sha256, 6, 30};
  CHECK(totp::verify_code(s, p, totp::generate_code(s, p, 1700000000), 1700000000, 1) == 1700000000 / 30);
}
