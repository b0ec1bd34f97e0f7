#include "core/totp/otpauth_uri.hpp"

#include <doctest/doctest.h>

#include <string>

#include "core/util/encoding.hpp"

using namespace sekisho;

namespace {

// OTP-U-07 (standards.md).
constexpr std::string_view acme =
    "otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co"
    "&algorithm=SHA1&digits=6&period=30";

}  // namespace

TEST_CASE("the OTP-U-07 example parses and survives a round trip") {
  auto r = totp::parse_otpauth_uri(acme);
  REQUIRE_MESSAGE(r.ok(), r.message());
  CHECK(r->issuer == "ACME Co");
  CHECK(r->account == "john.doe@email.com");
  CHECK(r->secret == *base32_decode("HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ"));
  CHECK(r->params.algorithm == totp_algorithm::sha1);
  CHECK(r->params.digits == 6);
  CHECK(r->params.period_seconds == 30);

  const auto made = totp::make_otpauth_uri(r->issuer, r->account, r->secret, r->params);
  CHECK(made ==
        "otpauth://totp/ACME%20Co:john.doe%40email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co"
        "&algorithm=SHA1&digits=6&period=30");
  auto again = totp::parse_otpauth_uri(made);
  REQUIRE(again.ok());
  CHECK(again->issuer == r->issuer);
  CHECK(again->account == r->account);
  CHECK(again->secret == r->secret);
}

TEST_CASE("Japanese names are percent-encoded as UTF-8 and come back intact") {
  const std::string secret_bytes = "\x01\x02\xfe\xff 12345678901234567";
  const totp::totp_params p{totp_algorithm::sha256, 8, 60};
  const auto uri = totp::make_otpauth_uri("関所病院", "山田 花子", secret_bytes, p);
  CHECK(uri.find("totp/%E9%96%A2%E6%89%80%E7%97%85%E9%99%A2:%E5%B1%B1%E7%94%B0%20%E8%8A%B1%E5%AD%90?") !=
        std::string::npos);
  CHECK(uri.find("&algorithm=SHA256&digits=8&period=60") != std::string::npos);
  // Scanners see plain ASCII only.
  for (unsigned char c : uri) CHECK((c > 0x20 && c < 0x7F));

  auto r = totp::parse_otpauth_uri(uri);
  REQUIRE_MESSAGE(r.ok(), r.message());
  CHECK(r->issuer == "関所病院");
  CHECK(r->account == "山田 花子");
  CHECK(r->secret == secret_bytes);
  CHECK(r->params.algorithm == totp_algorithm::sha256);
  CHECK(r->params.digits == 8);
  CHECK(r->params.period_seconds == 60);
}

TEST_CASE("a colon or an ampersand in a name cannot forge label or parameters") {
  const auto uri = totp::make_otpauth_uri("Evil:Co", "a&secret=AAAA&issuer=x", "0123456789", {});
  auto r = totp::parse_otpauth_uri(uri);
  // The encoded colon in the issuer makes the label ambiguous, so the strict parser refuses it …
  CHECK_FALSE(r.ok());
  // … and an account with '&' and '=' stays an account.
  auto ok = totp::parse_otpauth_uri(totp::make_otpauth_uri("Co", "a&secret=AAAA&issuer=x", "0123456789", {}));
  REQUIRE(ok.ok());
  CHECK(ok->account == "a&secret=AAAA&issuer=x");
  CHECK(ok->issuer == "Co");
  CHECK(ok->secret == "0123456789");
}

TEST_CASE("the parser reads the label variants the Key URI format allows") {
  const std::string q = "?secret=JBSWY3DPEHPK3PXP";
  auto colon = totp::parse_otpauth_uri("otpauth://totp/ACME%3Ajohn" + q);
  REQUIRE(colon.ok());
  CHECK(colon->issuer == "ACME");
  CHECK(colon->account == "john");
  CHECK(colon->secret == "Hello!\xDE\xAD\xBE\xEF");  // OTP-V-B1

  auto spaced = totp::parse_otpauth_uri("otpauth://totp/ACME:%20%20john" + q);
  REQUIRE(spaced.ok());
  CHECK(spaced->account == "john");

  auto param_only = totp::parse_otpauth_uri("otpauth://totp/john" + q + "&issuer=ACME");
  REQUIRE(param_only.ok());
  CHECK(param_only->issuer == "ACME");
  CHECK(param_only->account == "john");

  auto defaults = totp::parse_otpauth_uri("OTPAUTH://totp/john" + q + "&image=https%3A%2F%2Fx&counter=3");
  REQUIRE(defaults.ok());  // unknown parameters are ignored
  CHECK(defaults->issuer.empty());
  CHECK(defaults->params.algorithm == totp_algorithm::sha1);
  CHECK(defaults->params.digits == 6);
  CHECK(defaults->params.period_seconds == 30);
}

TEST_CASE("the parser refuses what it cannot trust") {
  const std::string base = "otpauth://totp/ACME:john?secret=JBSWY3DPEHPK3PXP";
  const std::string refused[] = {
      "",
      "http://totp/ACME:john?secret=JBSWY3DPEHPK3PXP",
      "otpauth://hotp/ACME:john?secret=JBSWY3DPEHPK3PXP&counter=1",
      "otpauth://totp/ACME:john",
      "otpauth://totp?secret=JBSWY3DPEHPK3PXP",
      "otpauth://totp/ACME:john?issuer=ACME",                  // no secret
      "otpauth://totp/ACME:john?secret=",                      // empty secret
      "otpauth://totp/ACME:john?secret=JBSWY3DPEHPK3PX1",      // '1' is not base32
      "otpauth://totp/ACME:john?secret=MZXW6YTBOI======",      // padding
      "otpauth://totp/ACME:john?secret=JBSW%20Y3DPEHPK3PXP",   // spaces
      "otpauth://totp/ACME:john?secret=J",                     // not a whole byte
      base + "&digits=5", base + "&digits=9", base + "&digits=06", base + "&digits=", base + "&digits=six",
      base + "&period=14", base + "&period=121", base + "&period=030", base + "&period=-30",
      base + "&algorithm=MD5", base + "&algorithm=sha1", base + "&algorithm=",
      base + "&issuer=Other",                                   // label and parameter disagree
      base + "&secret=JBSWY3DPEHPK3PXP",                        // repeated
      base + "&image=a&image=b",                                // repeated, even if unknown
      base + "&", base + "&digits", base + "#frag",
      "otpauth://totp/ACME:john:doe?secret=JBSWY3DPEHPK3PXP",   // two colons
      "otpauth://totp/ACME:?secret=JBSWY3DPEHPK3PXP",           // no account
      "otpauth://totp/:john?secret=JBSWY3DPEHPK3PXP",           // empty issuer
      "otpauth://totp/ACME:jo%0Ahn?secret=JBSWY3DPEHPK3PXP",    // control character
      "otpauth://totp/ACME:jo%FFhn?secret=JBSWY3DPEHPK3PXP",    // not UTF-8
      "otpauth://totp/ACME:jo%C0%AFhn?secret=JBSWY3DPEHPK3PXP", // overlong UTF-8
      "otpauth://totp/ACME:jo%4?secret=JBSWY3DPEHPK3PXP",       // truncated escape
      "otpauth://totp/ACME:jo%G1?secret=JBSWY3DPEHPK3PXP",      // not hex
      "otpauth://totp/ACME:john?secret=JBSWY3DPEHPK3PXP&issuer=%E3", // truncated UTF-8
  };
  for (const auto& uri : refused) {
    CAPTURE(uri);
    auto r = totp::parse_otpauth_uri(uri);
    CHECK_FALSE(r.ok());
    if (!r.ok()) CHECK(r.message().rfind("otpauth URI: ", 0) == 0);
  }
  CHECK(totp::parse_otpauth_uri(base).ok());
  CHECK(totp::parse_otpauth_uri(base + "&issuer=ACME&algorithm=SHA512&digits=7&period=120").ok());
}
