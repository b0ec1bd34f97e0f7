#include "core/login/joined_secret.hpp"

#include <doctest/doctest.h>

using namespace sekisho;
using login::split_password_and_code;

namespace {

std::pair<std::string, std::string> split(std::string_view joined, int digits = 6) {
  auto parts = split_password_and_code(secret(joined), digits);
  REQUIRE(parts);
  return {std::string(parts->password.view()), std::string(parts->code.view())};
}

}  // namespace

TEST_CASE("the code is the last digits; the password keeps everything before them") {
  CHECK(split("Sakura-Hana#2026123456") == std::pair<std::string, std::string>{"Sakura-Hana#2026", "123456"});
  // A password ending in digits, with spaces, or in Japanese: only the code's length decides.
  CHECK(split("20261231654321") == std::pair<std::string, std::string>{"20261231", "654321"});
  CHECK(split(" pass word 000000") == std::pair<std::string, std::string>{" pass word ", "000000"});
  CHECK(split("さくら咲く2026987654") == std::pair<std::string, std::string>{"さくら咲く2026", "987654"});
  CHECK(split("pw12345678", 8) == std::pair<std::string, std::string>{"pw", "12345678"});
}

TEST_CASE("a secret that does not end in a whole code, or holds no password, is not split") {
  CHECK_FALSE(split_password_and_code(secret("password12345"), 6));   // five digits, the sixth is 'd'
  CHECK_FALSE(split_password_and_code(secret("password12345a"), 6));  // a letter at the end
  CHECK_FALSE(split_password_and_code(secret("123456"), 6));          // a code alone, no password
  CHECK_FALSE(split_password_and_code(secret(""), 6));
  CHECK_FALSE(split_password_and_code(secret("pw123456"), 0));
  CHECK_FALSE(split_password_and_code(secret(std::string_view("pw\0" "23456", 8)), 6));  // NUL is no digit
}
