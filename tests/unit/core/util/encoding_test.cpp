#include "core/util/encoding.hpp"

#include <doctest/doctest.h>

using namespace sekisho;

TEST_CASE("base32 matches RFC 4648 and the otpauth vector") {
  CHECK(base32_encode("foobar") == "MZXW6YTBOI");
  CHECK(base32_encode("f") == "MY");
  CHECK(*base32_decode("JBSWY3DPEHPK3PXP") == std::string("Hello!\xDE\xAD\xBE\xEF"));
  CHECK(*base32_decode("jbsw y3dp ehpk 3pxp") == std::string("Hello!\xDE\xAD\xBE\xEF"));
  CHECK(*base32_decode("MZXW6YTBOI======") == "foobar");
  CHECK_FALSE(base32_decode("MZXW1").has_value());  // '1' is not in the alphabet
  CHECK_FALSE(base32_decode("M").has_value());      // a lone symbol is not a byte
}

TEST_CASE("base64url round-trips without padding and refuses other alphabets") {
  for (std::string s : {"", "a", "ab", "abc", "abcd", "\xff\xfe\x00\x01"}) {
    auto enc = base64url_encode(s);
    CHECK(enc.find('=') == std::string::npos);
    CHECK(*base64url_decode(enc) == s);
  }
  CHECK(base64url_encode("\xfb\xff") == "-_8");
  CHECK_FALSE(base64url_decode("+/8").has_value());
  CHECK_FALSE(base64url_decode("-_9").has_value());  // non-zero padding bits
}

TEST_CASE("hex round-trips and refuses odd or non-hex input") {
  CHECK(hex_encode("\x01\xab") == "01ab");
  CHECK(*hex_decode("01AB") == "\x01\xab");
  CHECK_FALSE(hex_decode("abc").has_value());
  CHECK_FALSE(hex_decode("zz").has_value());
}

TEST_CASE("percent_encode keeps unreserved characters and the ones asked for, and nothing else") {
  CHECK(sekisho::percent_encode("aZ09-._~") == "aZ09-._~");
  CHECK(sekisho::percent_encode("/a b?c=d&e#f") == "%2Fa%20b%3Fc%3Dd%26e%23f");
  CHECK(sekisho::percent_encode("/a b?c", "/") == "/a%20b%3Fc");
  CHECK(sekisho::percent_encode("\r\n") == "%0D%0A");
  CHECK(sekisho::percent_encode("看") == "%E7%9C%8B");
  CHECK(sekisho::percent_encode(std::string_view("\0", 1), std::string_view("\0", 1)) == "%00");
}

TEST_CASE("percent_decode decodes %XX in either case, '+' only in form encoding, and refuses broken escapes") {
  CHECK(percent_decode("a%2Fb%2fc") == "a/b/c");
  CHECK(percent_decode("a+b") == "a+b");
  CHECK(percent_decode("a+b", true) == "a b");
  CHECK(percent_decode("%00") == std::string(1, '\0'));
  CHECK_FALSE(percent_decode("%").has_value());
  CHECK_FALSE(percent_decode("%4").has_value());
  CHECK_FALSE(percent_decode("%g0").has_value());
  CHECK(percent_decode(percent_encode("パス word/?&")) == "パス word/?&");
}
