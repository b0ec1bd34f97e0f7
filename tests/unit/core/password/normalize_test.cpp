#include "core/password/normalize.hpp"

#include <doctest/doctest.h>

using namespace sekisho::password;

TEST_CASE("full-width input typed with a Japanese IME normalises to the ASCII password") {
  CHECK(normalize_password("ｐａｓｓｗｏｒｄ１２３！") == std::optional<std::string>("password123!"));
  CHECK(normalize_password("ﾊﾟｽﾜｰﾄﾞ") == normalize_password("パスワード"));  // half-width kana
  CHECK(normalize_password("e\u0301") == normalize_password("\u00e9"));     // composed and decomposed é
}

TEST_CASE("invalid UTF-8 is refused, not repaired into a different password") {
  CHECK_FALSE(normalize_password("abc\xff").has_value());
  CHECK_FALSE(normalize_password("\xc0\xaf").has_value());       // overlong "/"
  CHECK_FALSE(normalize_password("\xed\xa0\x80").has_value());   // UTF-16 surrogate
  CHECK_FALSE(normalize_password("\xe3\x81").has_value());       // truncated あ
  CHECK(normalize_password("") == std::optional<std::string>(""));
}

TEST_CASE("length is counted in characters, not bytes") {
  std::string faces;
  for (int i = 0; i < 8; ++i) faces += "\U0001F600";
  CHECK(faces.size() == 32);
  CHECK(count_code_points(faces) == 8);
  CHECK(count_code_points("パスワード") == 5);
  CHECK(count_code_points("password") == 8);
}

TEST_CASE("lowercase folds ASCII and non-ASCII letters alike") {
  CHECK(lowercase("PassWORD") == "password");
  CHECK(lowercase("ÉCOLE") == "école");
  CHECK(lowercase("パスワード") == "パスワード");
}
