// Registrations from the software authenticator: one change at a time, one refusal each.
#include "core/webauthn/registration.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "tests/unit/core/webauthn/ceremony.hpp"

using namespace sekisho::webauthn;
using soft::bytes, soft::map, soft::text, soft::integer;

namespace {

const relying_party rp = soft::example_rp();

sekisho::result<registered_credential> run(const soft::registration& reg, const attestation_policy& policy = {},
                                  registration_options options = {soft::challenge}) {
  return verify_registration(rp, options, policy, reg.response());
}

std::optional<refusal> outcome(const soft::registration& reg, const attestation_policy& policy = {},
                               registration_options options = {soft::challenge}) {
  auto r = run(reg, policy, options);
  return r.ok() ? std::nullopt : std::optional(reason_of(r.err()));
}

// A root, and an attestation certificate under it for a fresh key.
struct chain {
  soft::key_pair root_key = soft::make_key();
  soft::certificate root = soft::make_certificate(root_key, nullptr, true);
  soft::key_pair att_key = soft::make_key();
  soft::certificate att;
  explicit chain(std::string_view ou = "Authenticator Attestation", std::string_view aaguid = "")
      : att(soft::make_certificate(att_key, &root, false, ou, aaguid)) {}
};

}  // namespace

TEST_CASE("a packed self-attested ES256 registration gives the record to store") {
  const auto k = soft::make_key();
  auto ad = soft::new_credential(k);
  ad.sign_count = 7;
  auto r = run(soft::packed_self(k, ad.encode()));
  REQUIRE_MESSAGE(r.ok(), r.message());
  CHECK(r->id == soft::credential_id);
  CHECK(r->alg == cose_alg::es256);
  CHECK(r->public_key == k.spki());
  CHECK(r->sign_count == 7);
  CHECK(r->aaguid == ad.aaguid);
  CHECK(r->user_verified);
  CHECK_FALSE(r->backup_eligible);
  CHECK(r->attestation_format == "packed");
  CHECK(r->attestation == attestation_type::self);
}

TEST_CASE("every algorithm we offer registers with self attestation") {
  for (auto alg : {cose_alg::es256, cose_alg::es384, cose_alg::eddsa, cose_alg::rs256}) {
    CAPTURE(static_cast<int>(alg));
    const auto k = soft::make_key(alg);
    auto r = run(soft::packed_self(k, soft::new_credential(k).encode()));
    REQUIRE_MESSAGE(r.ok(), r.message());
    CHECK(r->alg == alg);
    CHECK(r->public_key == k.spki());
  }
}

TEST_CASE("client data is checked for registrations too") {
  const auto k = soft::make_key();
  const auto ad = soft::new_credential(k).encode();
  const std::string other = sekisho::base64url_encode(std::string(32, '\x08'));
  CHECK(outcome(soft::packed_self(k, ad, soft::client_data("webauthn.get", soft::challenge_b64))) ==
        refusal::wrong_type);
  CHECK(outcome(soft::packed_self(k, ad, soft::client_data("webauthn.create", other))) == refusal::wrong_challenge);
  CHECK(outcome(soft::packed_self(k, ad, soft::client_data("webauthn.create", soft::challenge_b64,
                                                            "https://example.org.evil.example"))) ==
        refusal::wrong_origin);
}

TEST_CASE("authenticator data is checked: RP, UP, UV by policy, BE/BS, trailing bytes") {
  const auto k = soft::make_key();
  auto change = [&](auto edit) {
    auto ad = soft::new_credential(k);
    edit(ad);
    return soft::packed_self(k, ad.encode());
  };
  CHECK(outcome(change([](auto& ad) { ad.rp_id = "example.net"; })) == refusal::wrong_rp_id);
  CHECK(outcome(change([](auto& ad) { ad.flags &= ~flag::user_present; })) == refusal::user_not_present);
  const auto no_uv = change([](auto& ad) { ad.flags &= ~flag::user_verified; });
  CHECK(outcome(no_uv) == std::nullopt);
  CHECK(outcome(no_uv, {}, {soft::challenge, default_algorithms, user_verification::required}) ==
        refusal::user_not_verified);
  CHECK(outcome(change([](auto& ad) { ad.flags |= flag::backup_state; })) == refusal::backup_state_inconsistent);
  CHECK(outcome(change([](auto& ad) { ad.trailing = std::string(3, '\0'); })) ==
        refusal::authenticator_data_malformed);
  CHECK(outcome(change([](auto& ad) { ad.flags &= ~flag::attested_credential; ad.cose_key.clear(); })) ==
        refusal::missing_attested_credential);
}

TEST_CASE("unsolicited extensions are tolerated, their values mirrored for libfido2") {
  const auto k = soft::make_key();
  auto ad = soft::new_credential(k);
  ad.flags |= flag::extension_data;
  // In CTAP2 canonical order (shorter keys first), which libfido2 insists on.
  ad.extensions = map({{text("unknownExt"), text("x")}, {text("credProtect"), integer(2)},
                       {text("hmac-secret"), soft::head(7, 21)}});
  auto r = run(soft::packed_self(k, ad.encode()));
  CHECK_MESSAGE(r.ok(), r.message());
  ad.extensions = map({{text("hmac-secret"), soft::head(7, 21)}, {text("unknownExt"), text("x")}});
  CHECK(outcome(soft::packed_self(k, ad.encode())) == refusal::authenticator_data_malformed);
}

TEST_CASE("the credential must be the one offered and announced") {
  const auto k = soft::make_key();
  auto reg = soft::packed_self(k, soft::new_credential(k).encode());
  const std::vector<cose_alg> rsa_only = {cose_alg::rs256};
  CHECK(outcome(reg, {}, {soft::challenge, rsa_only}) == refusal::algorithm_not_offered);
  reg.raw_id = "credential-0002";
  CHECK(outcome(reg) == refusal::credential_id_mismatch);
}

TEST_CASE("the attestation object is parsed strictly") {
  const auto k = soft::make_key();
  auto reg = soft::packed_self(k, soft::new_credential(k).encode());
  reg.attestation_object += '\0';
  CHECK(outcome(reg) == refusal::attestation_object_malformed);
}

TEST_CASE("attestation statements are verified per format") {
  const auto k = soft::make_key();
  const auto ad = soft::new_credential(k).encode();
  const auto cdj = soft::client_data("webauthn.create", soft::challenge_b64);
  auto with = [&](std::string_view fmt, const std::string& stmt) {
    return soft::registration{soft::credential_id, cdj, soft::attestation_object(fmt, stmt, ad)};
  };
  const auto sig = k.sign(ad + sekisho::sha256(cdj));
  SUBCASE("none accepts only an empty attStmt") {
    auto r = run(with("none", map({})));
    REQUIRE(r.ok());
    CHECK(r->attestation == attestation_type::none);
    CHECK(outcome(with("none", map({{text("sig"), bytes(sig)}}))) == refusal::attestation_statement_malformed);
  }
  SUBCASE("a tampered self signature is refused") {
    std::string bad = sig;
    bad[bad.size() / 2] ^= 1;
    CHECK(outcome(with("packed", map({{text("alg"), integer(-7)}, {text("sig"), bytes(bad)}}))) ==
          refusal::attestation_signature_invalid);
    // Signed over other client data: same effect.
    const auto other = k.sign(ad + sekisho::sha256(cdj + " "));
    CHECK(outcome(with("packed", map({{text("alg"), integer(-7)}, {text("sig"), bytes(other)}}))) ==
          refusal::attestation_signature_invalid);
  }
  SUBCASE("self attestation must name the credential's algorithm, and nothing else") {
    CHECK(outcome(with("packed", map({{text("alg"), integer(-35)}, {text("sig"), bytes(sig)}}))) ==
          refusal::attestation_statement_malformed);
    CHECK(outcome(with("packed", map({{text("alg"), integer(-7)}, {text("sig"), bytes(sig)},
                                      {text("ecdaaKeyId"), bytes("k")}}))) == refusal::attestation_statement_malformed);
    CHECK(outcome(with("packed", map({{text("sig"), bytes(sig)}}))) == refusal::attestation_statement_malformed);
  }
  SUBCASE("formats libfido2 cannot check are refused by name") {
    for (const char* fmt : {"android-key", "apple", "android-safetynet", "compound", "Packed", "none "})
      CHECK_MESSAGE(outcome(with(fmt, map({}))) == refusal::unsupported_attestation_format, fmt);
  }
  SUBCASE("fido-u2f needs exactly one certificate") {
    CHECK(outcome(with("fido-u2f", map({{text("sig"), bytes(sig)}}))) == refusal::attestation_statement_malformed);
  }
  SUBCASE("tpm other than RS1 is refused before libfido2 sees it") {
    const auto stmt = map({{text("ver"), text("2.0")}, {text("alg"), integer(-7)}, {text("x5c"), soft::array({bytes("c")})},
                           {text("sig"), bytes(sig)}, {text("certInfo"), bytes("i")}, {text("pubArea"), bytes("p")}});
    CHECK(outcome(with("tpm", stmt)) == refusal::unsupported_attestation_algorithm);
  }
}

TEST_CASE("packed attestation with x5c: certificate requirements and the trust policy") {
  const auto k = soft::make_key();
  const auto cred_ad = soft::new_credential(k);
  const auto ad = cred_ad.encode();
  const chain good;
  const auto reg = soft::packed_x5c(good.att_key, {good.att.der()}, ad);

  SUBCASE("without a policy the signature is verified and the chain is not") {
    auto r = run(reg);
    REQUIRE_MESSAGE(r.ok(), r.message());
    CHECK(r->attestation == attestation_type::basic);
    CHECK(r->public_key == k.spki());
  }
  SUBCASE("it chains to the root that issued it, and not to another one") {
    attestation_policy policy;
    policy.trusted_roots = {good.root.der()};
    auto r = run(reg, policy);
    REQUIRE_MESSAGE(r.ok(), r.message());
    CHECK(r->attestation == attestation_type::trusted);
    const chain other;
    policy.trusted_roots = {other.root.der()};
    CHECK(outcome(reg, policy) == refusal::attestation_untrusted);
  }
  SUBCASE("an intermediate in x5c links the attestation certificate to the root") {
    const auto mid_key = soft::make_key();
    const auto mid = soft::make_certificate(mid_key, &good.root, true, "Intermediate");
    const auto att_key = soft::make_key();
    const auto att = soft::make_certificate(att_key, &mid, false);
    attestation_policy policy;
    policy.trusted_roots = {good.root.der()};
    CHECK(outcome(soft::packed_x5c(att_key, {att.der(), mid.der()}, ad), policy) == std::nullopt);
    CHECK(outcome(soft::packed_x5c(att_key, {att.der()}, ad), policy) == refusal::attestation_untrusted);
  }
  SUBCASE("the AAGUID allow-list, on top of a trusted chain") {
    attestation_policy policy;
    policy.trusted_roots = {good.root.der()};
    policy.allowed_aaguids = {cred_ad.aaguid};
    CHECK(outcome(reg, policy) == std::nullopt);
    policy.allowed_aaguids = {std::string(16, '\x01')};
    CHECK(outcome(reg, policy) == refusal::aaguid_not_allowed);
    policy.trusted_roots.clear();
    policy.allowed_aaguids = {cred_ad.aaguid};
    CHECK(outcome(reg, policy) == refusal::attestation_untrusted);
  }
  SUBCASE("self attestation cannot satisfy a root requirement") {
    attestation_policy policy;
    policy.trusted_roots = {good.root.der()};
    CHECK(outcome(soft::packed_self(k, ad), policy) == refusal::attestation_untrusted);
  }
  SUBCASE("§8.2.1 certificate requirements") {
    const chain no_ou("");
    CHECK(outcome(soft::packed_x5c(no_ou.att_key, {no_ou.att.der()}, ad)) == refusal::attestation_certificate_invalid);
    const chain wrong_aaguid("Authenticator Attestation", std::string(16, '\x01'));
    CHECK(outcome(soft::packed_x5c(wrong_aaguid.att_key, {wrong_aaguid.att.der()}, ad)) ==
          refusal::attestation_certificate_invalid);
    const chain right_aaguid("Authenticator Attestation", cred_ad.aaguid);
    CHECK(outcome(soft::packed_x5c(right_aaguid.att_key, {right_aaguid.att.der()}, ad)) == std::nullopt);
    // A CA certificate as the attestation certificate.
    CHECK(outcome(soft::packed_x5c(good.root_key, {good.root.der()}, ad)) == refusal::attestation_certificate_invalid);
    CHECK(outcome(soft::packed_x5c(good.att_key, {"not a certificate"}, ad)) ==
          refusal::attestation_certificate_invalid);
  }
  SUBCASE("a signature by another key than x5c[0]'s is refused") {
    const chain other;
    CHECK(outcome(soft::packed_x5c(other.att_key, {good.att.der()}, ad)) == refusal::attestation_signature_invalid);
  }
}

TEST_CASE("unusable options are refused, not guessed") {
  const auto k = soft::make_key();
  const auto reg = soft::packed_self(k, soft::new_credential(k).encode());
  CHECK(outcome(reg, {}, {std::string_view(soft::challenge).substr(0, 8)}) == refusal::invalid_options);
  CHECK(outcome(reg, {}, {soft::challenge, {}}) == refusal::invalid_options);
  auto no_origins = rp;
  no_origins.origins.clear();
  auto r = verify_registration(no_origins, {soft::challenge}, {}, reg.response());
  CHECK(reason_of(r.err()) == refusal::invalid_options);
}
