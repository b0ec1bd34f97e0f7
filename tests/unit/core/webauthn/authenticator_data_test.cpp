#include "core/webauthn/authenticator_data.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "core/webauthn/refusal.hpp"
#include "tests/unit/core/webauthn/soft_authenticator.hpp"

using namespace sekisho::webauthn;

namespace {

soft::auth_data with_credential(const soft::key_pair& k, std::string id = "id-1") {
  soft::auth_data ad;
  ad.flags = flag::user_present | flag::attested_credential;
  ad.credential_id = std::move(id);
  ad.cose_key = k.cose();
  return ad;
}

// The refusal, or nullopt when the bytes parse.
std::optional<refusal> parse_refusal(const std::string& raw) {
  auto r = parse_authenticator_data(raw);
  return r.ok() ? std::nullopt : std::optional(reason_of(r.err()));
}

}  // namespace

TEST_CASE("authenticator data with a credential is read completely") {
  const auto k = soft::make_key();
  auto ad = with_credential(k);
  ad.sign_count = 0x01020304;
  ad.flags |= flag::backup_eligible | flag::backup_state;
  auto r = parse_authenticator_data(ad.encode());
  REQUIRE_MESSAGE(r.ok(), r.message());
  CHECK(r->rp_id_hash == sekisho::sha256("example.org"));
  CHECK(r->sign_count == 0x01020304u);  // big-endian
  CHECK(r->has(flag::backup_eligible));
  REQUIRE(r->credential);
  CHECK(r->credential->aaguid == ad.aaguid);
  CHECK(r->credential->id == "id-1");
  CHECK(r->credential->key.alg == cose_alg::es256);
  CHECK(r->credential->key.spki == k.spki());
  CHECK_FALSE(r->extensions);
}

TEST_CASE("every supported key type parses to its SPKI") {
  for (auto alg : {cose_alg::es256, cose_alg::es384, cose_alg::eddsa, cose_alg::rs256}) {
    CAPTURE(static_cast<int>(alg));
    const auto k = soft::make_key(alg);
    auto r = parse_authenticator_data(with_credential(k).encode());
    REQUIRE_MESSAGE(r.ok(), r.message());
    CHECK(r->credential->key.alg == alg);
    CHECK(r->credential->key.spki == k.spki());
  }
}

TEST_CASE("extensions are kept as a map when ED is set") {
  auto ad = with_credential(soft::make_key());
  ad.flags |= flag::extension_data;
  ad.extensions = soft::map({{soft::text("credProtect"), soft::integer(2)}});
  auto r = parse_authenticator_data(ad.encode());
  REQUIRE_MESSAGE(r.ok(), r.message());
  REQUIRE(r->extensions);
  CHECK(cbor::integer(cbor::find(r->extensions.get(), "credProtect")) == 2);
}

TEST_CASE("an assertion's authenticator data is just 37 bytes") {
  soft::auth_data ad;
  auto r = parse_authenticator_data(ad.encode());
  REQUIRE(r.ok());
  CHECK(ad.encode().size() == 37);
  CHECK_FALSE(r->credential);
}

TEST_CASE("structure errors are refused, trailing bytes included") {
  const auto k = soft::make_key();
  CHECK(parse_refusal(std::string(36, '\0')) == refusal::authenticator_data_malformed);
  auto trailing = with_credential(k);
  trailing.trailing = std::string(3, '\0');  // libfido2 would accept this (LF-P-08)
  CHECK(parse_refusal(trailing.encode()) == refusal::authenticator_data_malformed);
  soft::auth_data short_trailing;
  short_trailing.trailing = "x";
  CHECK(parse_refusal(short_trailing.encode()) == refusal::authenticator_data_malformed);
  auto ed_without_map = with_credential(k);
  ed_without_map.flags |= flag::extension_data;
  CHECK(parse_refusal(ed_without_map.encode()) == refusal::authenticator_data_malformed);
  auto map_without_ed = with_credential(k);
  map_without_ed.extensions = soft::map({{soft::text("credProtect"), soft::integer(1)}});
  CHECK(parse_refusal(map_without_ed.encode()) == refusal::authenticator_data_malformed);
  auto not_a_map = with_credential(k);
  not_a_map.flags |= flag::extension_data;
  not_a_map.extensions = soft::array({});
  CHECK(parse_refusal(not_a_map.encode()) == refusal::authenticator_data_malformed);
  auto truncated = with_credential(k).encode();
  truncated.pop_back();
  CHECK(parse_refusal(truncated) == refusal::authenticator_data_malformed);
  CHECK(parse_refusal(with_credential(k, "").encode()) == refusal::authenticator_data_malformed);
  soft::auth_data at_without_data;
  at_without_data.flags |= flag::attested_credential;
  CHECK(parse_refusal(at_without_data.encode()) == refusal::authenticator_data_malformed);
  CHECK(parse_refusal(std::string(max_authenticator_data_bytes + 1, '\0')) == refusal::input_too_large);
}

TEST_CASE("credential ids are at most 1023 bytes") {
  const auto k = soft::make_key();
  CHECK(parse_authenticator_data(with_credential(k, std::string(1023, 'i')).encode()).ok());
  CHECK(parse_refusal(with_credential(k, std::string(1024, 'i')).encode()) == refusal::credential_id_too_long);
}

TEST_CASE("COSE keys must agree with their algorithm and be valid") {
  const auto k = soft::make_key();
  auto cose = [&](std::vector<std::pair<std::string, std::string>> pairs) {
    auto ad = with_credential(k);
    ad.cose_key = soft::map(pairs);
    return parse_refusal(ad.encode());
  };
  const std::string x(32, '\x01'), y(32, '\x02');
  using soft::bytes, soft::integer;
  // (1, 1) is not on P-256.
  CHECK(cose({{integer(1), integer(2)}, {integer(3), integer(-7)}, {integer(-1), integer(1)}, {integer(-2), bytes(x)},
              {integer(-3), bytes(y)}}) == refusal::public_key_malformed);
  // ES256 with the P-384 curve id, an OKP kty, a compressed point, a short coordinate.
  CHECK(cose({{integer(1), integer(2)}, {integer(3), integer(-7)}, {integer(-1), integer(2)}, {integer(-2), bytes(x)},
              {integer(-3), bytes(y)}}) == refusal::public_key_malformed);
  CHECK(cose({{integer(1), integer(1)}, {integer(3), integer(-7)}, {integer(-1), integer(6)}, {integer(-2), bytes(x)}}) ==
        refusal::public_key_malformed);
  CHECK(cose({{integer(1), integer(2)}, {integer(3), integer(-7)}, {integer(-1), integer(1)}, {integer(-2), bytes(x)},
              {integer(-3), soft::head(7, 21)}}) == refusal::public_key_malformed);
  CHECK(cose({{integer(1), integer(2)}, {integer(3), integer(-7)}, {integer(-1), integer(1)},
              {integer(-2), bytes(x.substr(1))}, {integer(-3), bytes(y)}}) == refusal::public_key_malformed);
  CHECK(cose({{integer(1), integer(2)}, {integer(-1), integer(1)}}) == refusal::public_key_malformed);  // no alg
  CHECK(cose({{integer(1), integer(2)}, {integer(3), integer(-36)}}) == refusal::unsupported_algorithm);  // ES512
  CHECK(cose({{integer(1), integer(3)}, {integer(3), integer(-257)}, {integer(-1), bytes(std::string(384, '\xff'))},
              {integer(-2), bytes("\x01\x00\x01")}}) == refusal::unsupported_algorithm);  // RSA-3072
  // The same label twice: which one would libfido2 read?
  auto good = k.cose();
  auto dup = soft::head(5, 6) + good.substr(1) + integer(3) + integer(-7);
  CHECK(cose({}) == refusal::public_key_malformed);
  auto ad = with_credential(k);
  ad.cose_key = dup;
  CHECK(parse_refusal(ad.encode()) == refusal::public_key_malformed);
}

TEST_CASE("the shared checks: RP ID hash, UP, UV by policy, BS only with BE") {
  auto check = [](std::uint8_t flags, user_verification uv, std::string rp = "example.org") {
    soft::auth_data ad;
    ad.flags = flags;
    auto parsed = parse_authenticator_data(ad.encode());
    REQUIRE(parsed.ok());
    auto r = check_authenticator_data(*parsed, rp, uv);
    return r.ok() ? std::nullopt : std::optional(reason_of(r.err()));  // nullopt: accepted
  };
  const auto up = flag::user_present, uv = flag::user_verified;
  CHECK(check(up | uv, user_verification::required) == std::nullopt);
  CHECK(check(up, user_verification::preferred) == std::nullopt);
  CHECK(check(up, user_verification::required) == refusal::user_not_verified);
  CHECK(check(uv, user_verification::preferred) == refusal::user_not_present);
  CHECK(check(up | uv, user_verification::preferred, "example.com") == refusal::wrong_rp_id);
  CHECK(check(up | uv, user_verification::preferred, "sub.example.org") == refusal::wrong_rp_id);
  CHECK(check(up | flag::backup_state, user_verification::preferred) == refusal::backup_state_inconsistent);
  CHECK(check(up | flag::backup_eligible | flag::backup_state, user_verification::preferred) == std::nullopt);
}
