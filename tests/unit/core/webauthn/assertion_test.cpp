// Assertions from the software authenticator against a stored credential.
#include "core/webauthn/assertion.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "tests/unit/core/webauthn/ceremony.hpp"

using namespace sekisho::webauthn;

namespace {

const relying_party rp = soft::example_rp();

struct fixture {
  soft::key_pair key = soft::make_key();
  std::string spki = key.spki();

  std::optional<refusal> outcome(const soft::assertion& a, std::uint32_t stored_count = 0, bool stored_be = false,
                                 user_verification uv = user_verification::preferred) const {
    auto r = verify_assertion(rp, {soft::challenge, uv}, soft::stored(key, spki, stored_count, stored_be),
                              a.response());
    return r.ok() ? std::nullopt : std::optional(reason_of(r.err()));
  }
  soft::assertion with(auto edit) const {
    soft::auth_data ad;
    edit(ad);
    return soft::sign(key, ad);
  }
};

}  // namespace

TEST_CASE("a signed assertion verifies and reports counter, UV and BS") {
  const fixture f;
  soft::auth_data ad;
  ad.sign_count = 42;
  ad.flags |= flag::backup_eligible | flag::backup_state;
  auto r = verify_assertion(rp, {soft::challenge}, soft::stored(f.key, f.spki, 41, true), soft::sign(f.key, ad).response());
  REQUIRE_MESSAGE(r.ok(), r.message());
  CHECK(r->sign_count == 42);
  CHECK(r->user_verified);
  CHECK(r->backup_state);
}

TEST_CASE("every algorithm verifies its own signatures") {
  for (auto alg : {cose_alg::es256, cose_alg::es384, cose_alg::eddsa, cose_alg::rs256}) {
    CAPTURE(static_cast<int>(alg));
    const auto k = soft::make_key(alg);
    const auto spki = k.spki();
    auto r = verify_assertion(rp, {soft::challenge}, soft::stored(k, spki), soft::sign(k).response());
    CHECK_MESSAGE(r.ok(), r.message());
  }
}

TEST_CASE("tampering with the signature, the data or the client data is refused") {
  const fixture f;
  auto a = soft::sign(f.key);
  a.signature[a.signature.size() / 2] ^= 1;
  CHECK(f.outcome(a) == refusal::signature_invalid);
  a = soft::sign(f.key);
  a.signature.clear();
  CHECK(f.outcome(a) == refusal::signature_invalid);
  a = soft::sign(f.key);
  a.authenticator_data[36] ^= 1;  // the counter's last byte: well formed, not what was signed
  CHECK(f.outcome(a) == refusal::signature_invalid);
  a = soft::sign(f.key);
  a.client_data_json.insert(a.client_data_json.size() - 1, R"(,"extra":1)");  // still valid JSON, other hash
  CHECK(f.outcome(a) == refusal::signature_invalid);
  // Signed by another key.
  const fixture other;
  CHECK(f.outcome(soft::sign(other.key)) == refusal::signature_invalid);
  a = soft::sign(f.key);
  a.signature = std::string(600, 'x');
  CHECK(f.outcome(a) == refusal::input_too_large);
}

TEST_CASE("client data must be a webauthn.get for this challenge and origin") {
  const fixture f;
  const soft::auth_data ad;
  CHECK(f.outcome(soft::sign(f.key, ad, soft::client_data("webauthn.create", soft::challenge_b64))) ==
        refusal::wrong_type);
  CHECK(f.outcome(soft::sign(f.key, ad, soft::client_data("webauthn.get", soft::challenge_b64 + "A"))) ==
        refusal::wrong_challenge);
  CHECK(f.outcome(soft::sign(f.key, ad, soft::client_data("webauthn.get", soft::challenge_b64, "https://example.com"))) ==
        refusal::wrong_origin);
  // A second crossOrigin member (true after false): duplicate keys are refused, never resolved.
  CHECK(f.outcome(soft::sign(f.key, ad, soft::client_data("webauthn.get", soft::challenge_b64, "https://example.org",
                                                          R"(,"crossOrigin":true)"))) == refusal::client_data_malformed);
}

TEST_CASE("RP, UP, UV, BE/BS and AT are checked before the signature matters") {
  const fixture f;
  CHECK(f.outcome(f.with([](auto& ad) { ad.rp_id = "evil.example"; })) == refusal::wrong_rp_id);
  CHECK(f.outcome(f.with([](auto& ad) { ad.flags = flag::user_verified; })) == refusal::user_not_present);
  const auto no_uv = f.with([](auto& ad) { ad.flags = flag::user_present; });
  CHECK(f.outcome(no_uv) == std::nullopt);
  CHECK(f.outcome(no_uv, 0, false, user_verification::required) == refusal::user_not_verified);
  CHECK(f.outcome(f.with([](auto& ad) { ad.flags |= flag::backup_state; })) == refusal::backup_state_inconsistent);
  CHECK(f.outcome(f.with([&](auto& ad) {
          ad.flags |= flag::attested_credential;
          ad.credential_id = soft::credential_id;
          ad.cose_key = f.key.cose();
        })) == refusal::unexpected_attested_credential);
  CHECK(f.outcome(f.with([](auto& ad) { ad.trailing = "x"; })) == refusal::authenticator_data_malformed);
}

TEST_CASE("backup eligibility never changes; backup state may") {
  const fixture f;
  const auto eligible = f.with([](auto& ad) { ad.flags |= flag::backup_eligible; });
  const auto synced = f.with([](auto& ad) { ad.flags |= flag::backup_eligible | flag::backup_state; });
  const auto device_bound = f.with([](auto&) {});
  CHECK(f.outcome(eligible, 0, true) == std::nullopt);
  CHECK(f.outcome(synced, 0, true) == std::nullopt);
  CHECK(f.outcome(eligible, 0, false) == refusal::backup_eligibility_changed);
  CHECK(f.outcome(device_bound, 0, true) == refusal::backup_eligibility_changed);
}

TEST_CASE("sign counter: strictly increasing unless both are zero") {
  const fixture f;
  auto at = [&](std::uint32_t n) { return f.with([n](auto& ad) { ad.sign_count = n; }); };
  CHECK(f.outcome(at(0), 0) == std::nullopt);  // an authenticator without a counter
  CHECK(f.outcome(at(6), 5) == std::nullopt);
  CHECK(f.outcome(at(3), 0) == std::nullopt);
  CHECK(f.outcome(at(0xFFFFFFFF), 0xFFFFFFFE) == std::nullopt);
  CHECK(f.outcome(at(5), 5) == refusal::possibly_cloned);
  CHECK(f.outcome(at(4), 5) == refusal::possibly_cloned);
  CHECK(f.outcome(at(0), 7) == refusal::possibly_cloned);
  // Cloned is said only of a genuine signature: a forged one is just invalid.
  auto forged = at(5);
  forged.signature[10] ^= 1;
  CHECK(f.outcome(forged, 5) == refusal::signature_invalid);
}

TEST_CASE("the stored credential must be usable as stored") {
  const fixture f;
  const auto a = soft::sign(f.key);
  const auto p384 = soft::make_key(cose_alg::es384);
  const auto p384_spki = p384.spki();
  auto run = [&](cose_alg alg, std::string_view spki, std::string_view id = soft::credential_id) {
    auto r = verify_assertion(rp, {soft::challenge}, stored_credential{id, alg, spki, 0, false}, a.response());
    return r.ok() ? std::nullopt : std::optional(reason_of(r.err()));
  };
  CHECK(run(cose_alg::es256, f.spki) == std::nullopt);
  CHECK(run(cose_alg::es384, f.spki) == refusal::stored_credential_invalid);  // P-256 key stored as ES384
  CHECK(run(cose_alg::eddsa, f.spki) == refusal::stored_credential_invalid);
  CHECK(run(cose_alg::rs256, f.spki) == refusal::stored_credential_invalid);
  CHECK(run(cose_alg::es256, p384_spki) == refusal::stored_credential_invalid);
  CHECK(run(cose_alg::es256, f.spki + "x") == refusal::stored_credential_invalid);
  CHECK(run(cose_alg::es256, "") == refusal::stored_credential_invalid);
  CHECK(run(cose_alg::es256, f.spki, "another-credential") == refusal::credential_id_mismatch);
}

TEST_CASE("a registration's record verifies that credential's assertions") {
  const auto k = soft::make_key(cose_alg::eddsa);
  auto reg = verify_registration(rp, {soft::challenge}, {}, soft::packed_self(k, soft::new_credential(k).encode()).response());
  REQUIRE_MESSAGE(reg.ok(), reg.message());
  soft::auth_data ad;
  ad.sign_count = 1;
  const stored_credential stored{reg->id, reg->alg, reg->public_key, reg->sign_count, reg->backup_eligible};
  auto r = verify_assertion(rp, {soft::challenge, user_verification::required}, stored, soft::sign(k, ad).response());
  REQUIRE_MESSAGE(r.ok(), r.message());
  CHECK(r->sign_count == 1);
}

TEST_CASE("assertion extensions we never asked for are ignored") {
  const fixture f;
  const auto a = f.with([](auto& ad) {
    ad.flags |= flag::extension_data;
    ad.extensions = soft::map({{soft::text("hmac-secret"), soft::bytes(std::string(32, 's'))}});
  });
  CHECK(f.outcome(a) == std::nullopt);
}
