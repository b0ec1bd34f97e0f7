#include "core/webauthn/client_data.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "core/util/encoding.hpp"
#include "core/webauthn/refusal.hpp"

using namespace sekisho;
using namespace sekisho::webauthn;

namespace {

const std::string challenge(32, '\x42');
const std::vector<std::string> origins = {"https://gw.hospital.example", "https://ehr.hospital.example"};

std::string json(std::string_view type, std::string_view ch, std::string_view origin, std::string_view more = "") {
  return std::string(R"({"type":")") + std::string(type) + R"(","challenge":")" + std::string(ch) +
         R"(","origin":")" + std::string(origin) + "\"" + std::string(more) + "}";
}

std::string good(std::string_view more = "") {
  return json("webauthn.get", base64url_encode(challenge), "https://gw.hospital.example", more);
}

// The refusal, or nullopt when accepted.
std::optional<refusal> check(std::string_view text, ceremony type = ceremony::get) {
  auto r = check_client_data(text, client_data_expectation{type, challenge, origins});
  return r.ok() ? std::nullopt : std::optional(reason_of(r.err()));
}

bool accepted(std::string_view text, ceremony type = ceremony::get) {
  return check_client_data(text, client_data_expectation{type, challenge, origins}).ok();
}

}  // namespace

TEST_CASE("well-formed client data for this ceremony is accepted") {
  CHECK(accepted(good()));
  CHECK(accepted(good(R"(,"crossOrigin":false,"extraData":"ignored","other":{"a":[1,2]})")));
  CHECK(accepted(json("webauthn.create", base64url_encode(challenge), "https://ehr.hospital.example"),
                 ceremony::create));
  CHECK(accepted("\xEF\xBB\xBF" + good()));  // a UTF-8 BOM is stripped before parsing
  CHECK(accepted(good(R"(,"tokenBinding":{"status":"supported"})")));
}

TEST_CASE("type must be the ceremony's, exactly") {
  CHECK(check(good(), ceremony::create) == refusal::wrong_type);
  CHECK(check(json("webauthn.create", base64url_encode(challenge), origins[0])) == refusal::wrong_type);
  CHECK(check(json("WEBAUTHN.GET", base64url_encode(challenge), origins[0])) == refusal::wrong_type);
  CHECK(check(json("webauthn.get ", base64url_encode(challenge), origins[0])) == refusal::wrong_type);
}

TEST_CASE("challenge must be this ceremony's, in base64url without padding") {
  std::string other = challenge;
  other[31] ^= 1;
  CHECK(check(json("webauthn.get", base64url_encode(other), origins[0])) == refusal::wrong_challenge);
  CHECK(check(json("webauthn.get", base64url_encode(challenge) + "=", origins[0])) == refusal::wrong_challenge);
  CHECK(check(json("webauthn.get", base64url_encode(challenge.substr(1)), origins[0])) == refusal::wrong_challenge);
  CHECK(check(json("webauthn.get", "", origins[0])) == refusal::wrong_challenge);
  // Standard base64 uses + and / where base64url has - and _.
  std::string std_b64 = base64url_encode(std::string(32, '\xfb'));
  for (char& c : std_b64) c = c == '-' ? '+' : c == '_' ? '/' : c;
  auto r = check_client_data(json("webauthn.get", std_b64, origins[0]),
                             client_data_expectation{ceremony::get, std::string(32, '\xfb'), origins});
  CHECK(reason_of(r.err()) == refusal::wrong_challenge);
}

TEST_CASE("origin must be in the allow-list exactly") {
  const auto ch = base64url_encode(challenge);
  for (const char* o : {"http://gw.hospital.example", "https://gw.hospital.example:443", "https://gw.hospital.example/",
                        "https://evil.hospital.example", "https://GW.hospital.example", "https://hospital.example",
                        "null", ""})
    CHECK_MESSAGE(check(json("webauthn.get", ch, o)) == refusal::wrong_origin, o);
}

TEST_CASE("embedding in another site is refused") {
  CHECK(check(good(R"(,"crossOrigin":true)")) == refusal::cross_origin);
  CHECK(check(good(R"(,"crossOrigin":"false")")) == refusal::client_data_malformed);
  CHECK(check(good(R"(,"topOrigin":"https://gw.hospital.example")")) == refusal::top_origin);
  CHECK(check(good(R"(,"crossOrigin":true,"topOrigin":"https://example.com")")) == refusal::top_origin);
  CHECK(check(good(R"(,"tokenBinding":{"status":"present","id":"AAAA"})")) == refusal::token_binding);
  CHECK(check(good(R"(,"tokenBinding":"present")")) == refusal::client_data_malformed);
}

TEST_CASE("malformed client data is refused before anything is compared") {
  CHECK(check("") == refusal::client_data_malformed);
  CHECK(check("[]") == refusal::client_data_malformed);
  CHECK(check(good().substr(0, 20)) == refusal::client_data_malformed);
  CHECK(check(good() + "x") == refusal::client_data_malformed);
  CHECK(check(good(",\"x\":\"\xC0\xAF\"")) == refusal::client_data_malformed);  // overlong UTF-8
  // A second origin must not let the parser pick one and an attacker the other.
  CHECK(check(good(R"(,"origin":"https://evil.example")")) == refusal::client_data_malformed);
  CHECK(check(good(R"(,"x":{"a":1,"a":2})")) == refusal::client_data_malformed);
  CHECK(check(good(R"(,"x":[[[[[[1]]]]]])")) == refusal::client_data_malformed);
  CHECK(check(R"({"challenge":"x","origin":"y"})") == refusal::client_data_malformed);
  CHECK(check(R"({"type":1,"challenge":"x","origin":"y"})") == refusal::client_data_malformed);
  CHECK(check(R"({"type":"webauthn.get","challenge":")" + base64url_encode(challenge) + R"(","origin":5})") ==
        refusal::client_data_malformed);
  CHECK(check(good(",\"pad\":\"" + std::string(max_client_data_bytes, 'a') + "\"")) == refusal::input_too_large);
}

TEST_CASE("options that cannot protect anything are refused") {
  auto r = check_client_data(good(), client_data_expectation{ceremony::get, challenge.substr(0, 15), origins});
  CHECK(reason_of(r.err()) == refusal::invalid_options);
  r = check_client_data(good(), client_data_expectation{ceremony::get, challenge, {}});
  CHECK(reason_of(r.err()) == refusal::invalid_options);
}
