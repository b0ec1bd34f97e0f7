#include "core/password/password_policy.hpp"

#include <doctest/doctest.h>

#include "core/password/password_hasher.hpp"

using namespace sekisho;
using namespace sekisho::password;

namespace {

policy_verdict mhlw(std::string_view pw, std::string_view user = "tanaka") {
  return check_password(pw, user, password_profile::mhlw, 8);
}
policy_verdict nist(std::string_view pw, std::string_view user = "tanaka") {
  return check_password(pw, user, password_profile::nist, 8);
}

}  // namespace

TEST_CASE("mhlw profile: letters, digits and symbols, at least 8 characters") {
  CHECK_FALSE(mhlw("abcdefgh").ok);
  CHECK_FALSE(mhlw("abcd1234").ok);
  CHECK_FALSE(mhlw("abcd!@#$").ok);
  CHECK_FALSE(mhlw("1234!@#$").ok);
  CHECK_FALSE(mhlw("Tr0ub&3").ok);  // 7 characters
  CHECK(mhlw("Tr0ub4dor&3x").ok);
  CHECK(mhlw("ｔｒ０ｕｂ４ｄｏｒ＆３ｘ").ok);  // full-width counts the same
  CHECK(mhlw("さくら咲く2025年!").ok);      // Japanese letters are letters
  CHECK_FALSE(mhlw("さくら咲く 2025年").ok);  // a space is not a symbol
}

TEST_CASE("nist profile: length and blocklist, no composition rules") {
  CHECK(nist("correct horse battery staple").ok);
  CHECK(nist("zebrapelicanviolin").ok);  // letters only are fine
  CHECK(nist("ぼくのなまえはひみつです").ok);
  auto v = nist("password");
  CHECK_FALSE(v.ok);
  CHECK(v.reason_en.find("common") != std::string::npos);
  CHECK_FALSE(nist("PassWord").ok);                 // the blocklist ignores case
  CHECK_FALSE(nist("ＰＡＳＳＷＯＲＤ").ok);       // and full-width spelling
  CHECK_FALSE(nist("short").ok);
}

TEST_CASE("a password containing the user name is refused in both profiles") {
  for (auto profile : {password_profile::mhlw, password_profile::nist}) {
    CHECK_FALSE(check_password("Tanaka-2025!x", "tanaka", profile, 8).ok);
    CHECK_FALSE(check_password("my-TANAKA-9!pw", "Tanaka", profile, 8).ok);
    auto v = check_password("xx!suzuki42yy", "suzuki", profile, 8);
    CHECK_FALSE(v.ok);
    CHECK(v.reason_ja == "パスワードにユーザー名を含めないでください。");
  }
  // Very short user names would forbid too much; they are not checked.
  CHECK(nist("river flows under the bridge", "ri").ok);
  CHECK(nist("river flows under the bridge", "tanaka").ok);
}

TEST_CASE("long passphrases are welcome up to 256 characters and still verify") {
  std::string pw;
  while (pw.size() < 128) pw += "Kq7!";
  CHECK(pw.size() == 128);
  CHECK(mhlw(pw).ok);
  CHECK(nist(std::string(64, 'x') + "y").ok);
  password_hasher hasher({19456, 2, 1}, 2);
  auto phc = hasher.hash(pw);
  REQUIRE(phc.ok());
  CHECK(hasher.verify(*phc, pw).match);

  std::string too_long;
  while (too_long.size() < 260) too_long += "Kq7!";
  auto v = mhlw(too_long);
  CHECK_FALSE(v.ok);
  CHECK(v.reason_en == "The password is too long. Use at most 256 characters.");
  std::string faces;
  for (int i = 0; i < 256; ++i) faces += "\U0001F600";  // 1024 bytes, 256 characters
  CHECK(nist(faces).ok);
}

TEST_CASE("length is counted in characters: 8 emoji are 8 characters") {
  std::string faces;
  for (int i = 0; i < 8; ++i) faces += "\U0001F600";
  CHECK(nist(faces).ok);
  CHECK_FALSE(nist(faces.substr(0, 28)).ok);  // 7 emoji, 28 bytes
}

TEST_CASE("invalid UTF-8 is refused with a reason") {
  auto v = nist("correct horse\xff battery");
  CHECK_FALSE(v.ok);
  CHECK_FALSE(v.reason_ja.empty());
  CHECK_FALSE(v.reason_en.empty());
}

TEST_CASE("every refusal explains itself in plain Japanese and English") {
  auto short_one = mhlw("Ab1!");
  CHECK_FALSE(short_one.ok);
  CHECK(short_one.reason_ja == "パスワードは8文字以上にしてください。");
  CHECK(short_one.reason_en == "Use at least 8 characters.");
  auto twelve = check_password("Ab1!Ab1!", "tanaka", password_profile::mhlw, 12);
  CHECK(twelve.reason_ja == "パスワードは12文字以上にしてください。");
  auto mix = mhlw("abcd1234");
  CHECK(mix.reason_ja.find("記号") != std::string::npos);
  CHECK(mix.reason_en.find("symbols") != std::string::npos);
  auto common = nist("iloveyou");
  CHECK_FALSE(common.ok);
  CHECK(common.reason_ja.find("推測") != std::string::npos);
  auto ok = mhlw("Tr0ub4dor&3x");
  CHECK(ok.reason_ja.empty());
  CHECK(ok.reason_en.empty());
}
