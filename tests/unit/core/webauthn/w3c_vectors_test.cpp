// The W3C WebAuthn Level 3 §16 test vectors (webauthn-vectors.txt, copied from the spec's repository):
// one line per vector: name, registration challenge, clientDataJSON, attestationObject, assertion
// challenge, clientDataJSON, authenticatorData, signature (hex). RP ID example.org, origin https://example.org.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "core/util/encoding.hpp"
#include "core/webauthn/assertion.hpp"
#include "core/webauthn/attestation_object.hpp"
#include "core/webauthn/authenticator_data.hpp"
#include "core/webauthn/registration.hpp"

using namespace sekisho;
using namespace sekisho::webauthn;

namespace {

struct vector {
  std::string name, reg_challenge, reg_client_data, attestation_object;
  std::string auth_challenge, auth_client_data, authenticator_data, signature;
};

std::map<std::string, vector> load_vectors() {
  std::ifstream in(SEKISHO_SOURCE_DIR "/tests/unit/core/webauthn/webauthn-vectors.txt");
  REQUIRE(in.good());
  std::map<std::string, vector> out;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    vector v;
    std::string hex[7];
    fields >> v.name;
    for (auto& h : hex) fields >> h;
    std::string* dest[7] = {&v.reg_challenge,   &v.reg_client_data,    &v.attestation_object, &v.auth_challenge,
                            &v.auth_client_data, &v.authenticator_data, &v.signature};
    for (int i = 0; i < 7; ++i) {
      auto bytes = hex_decode(hex[i]);
      REQUIRE_MESSAGE(bytes.has_value(), v.name);
      *dest[i] = std::move(*bytes);
    }
    out[v.name] = std::move(v);
  }
  return out;
}

const std::map<std::string, vector>& vectors() {
  static const auto all = load_vectors();
  return all;
}

const relying_party rp{"example.org", {"https://example.org"}};

// The credential id and key as the authenticator data carries them (for rawId, and for assertions of
// vectors whose registration we refuse).
std::optional<attested_credential> credential_of(const vector& v) {
  auto obj = parse_attestation_object(v.attestation_object);
  if (!obj) return std::nullopt;
  auto data = parse_authenticator_data(obj->auth_data);
  if (!data || !data->credential) return std::nullopt;
  return std::move(data->credential);
}

result<registered_credential> register_vector(const vector& v, const attestation_policy& policy = {}) {
  const auto cred = credential_of(v);
  const std::string raw_id = cred ? cred->id : std::string();
  return verify_registration(rp, registration_options{v.reg_challenge}, policy,
                             registration_response{raw_id, v.reg_client_data, v.attestation_object});
}

result<verified_assertion> assert_vector(const vector& v, cose_alg alg, std::string_view spki, std::string_view id,
                                         bool backup_eligible) {
  const stored_credential stored{id, alg, spki, 0, backup_eligible};
  return verify_assertion(rp, assertion_options{v.auth_challenge}, stored,
                          assertion_response{id, v.auth_client_data, v.authenticator_data, v.signature});
}

}  // namespace

TEST_CASE("all fifteen W3C vectors are present") {
  CHECK(vectors().size() == 15);
}

TEST_CASE("W3C vectors we support register and then authenticate") {
  struct expectation {
    const char* name;
    attestation_type type;
    const char* fmt;
    cose_alg alg;
  };
  const expectation accepted[] = {
      {"none-es256", attestation_type::none, "none", cose_alg::es256},
      {"packed-self-es256", attestation_type::self, "packed", cose_alg::es256},
      {"none-es256-long-credential-id", attestation_type::none, "none", cose_alg::es256},
      {"packed-es256", attestation_type::basic, "packed", cose_alg::es256},
      {"packed-es384", attestation_type::basic, "packed", cose_alg::es384},
      {"packed-eddsa", attestation_type::basic, "packed", cose_alg::eddsa},
      {"fido-u2f-es256", attestation_type::basic, "fido-u2f", cose_alg::es256},
  };
  for (const auto& e : accepted) {
    CAPTURE(e.name);
    const vector& v = vectors().at(e.name);
    auto reg = register_vector(v);
    REQUIRE_MESSAGE(reg.ok(), reg.message());
    CHECK(reg->attestation == e.type);
    CHECK(reg->attestation_format == e.fmt);
    CHECK(reg->alg == e.alg);
    CHECK(reg->sign_count == 0);
    CHECK(reg->aaguid.size() == 16);
    CHECK(reg->id == credential_of(v)->id);
    auto a = assert_vector(v, reg->alg, reg->public_key, reg->id, reg->backup_eligible);
    REQUIRE_MESSAGE(a.ok(), a.message());
    CHECK(a->sign_count == 0);
  }
}

TEST_CASE("W3C vector flags and sizes come through as recorded") {
  auto none = register_vector(vectors().at("none-es256"));
  REQUIRE(none.ok());
  CHECK(none->backup_eligible);  // flags 0x59: UP BE BS AT
  CHECK(none->backup_state);
  CHECK_FALSE(none->user_verified);
  auto self = register_vector(vectors().at("packed-self-es256"));
  REQUIRE(self.ok());
  CHECK(self->user_verified);  // flags 0x5d
  auto u2f = register_vector(vectors().at("fido-u2f-es256"));
  REQUIRE(u2f.ok());
  CHECK_FALSE(u2f->backup_eligible);  // flags 0x41
  // L3 §7.1 step 25 allows up to 1023 bytes; this vector is exactly at the limit (WA-R-22).
  auto long_id = register_vector(vectors().at("none-es256-long-credential-id"));
  REQUIRE(long_id.ok());
  CHECK(long_id->id.size() == 1023);
}

TEST_CASE("W3C vectors we do not support are refused with a reason naming why") {
  const std::pair<const char*, refusal> refused[] = {
      {"none-es256-crossOrigin", refusal::cross_origin},
      {"none-es256-topOrigin", refusal::top_origin},
      {"packed-es512", refusal::unsupported_algorithm},  // libfido2 1.12 has no ES512
      {"packed-rs256", refusal::unsupported_algorithm},  // a 3482-bit RSA key; libfido2 verifies 2048 only
      {"packed-ed448", refusal::unsupported_algorithm},
      {"tpm-es256", refusal::unsupported_attestation_algorithm},  // TPM alg -7; libfido2 1.12 does RS1 only
      {"android-key-es256", refusal::unsupported_attestation_format},
      {"apple-es256", refusal::unsupported_attestation_format},
  };
  for (const auto& [name, why] : refused) {
    CAPTURE(name);
    auto reg = register_vector(vectors().at(name));
    REQUIRE_FALSE(reg.ok());
    CHECK_MESSAGE(reason_of(reg.err()) == why, reg.message());
  }
}

TEST_CASE("cross-origin W3C assertions are refused even with a valid key") {
  for (auto [name, why] : {std::pair{"none-es256-crossOrigin", refusal::cross_origin},
                           std::pair{"none-es256-topOrigin", refusal::top_origin}}) {
    CAPTURE(name);
    const vector& v = vectors().at(name);
    const auto cred = credential_of(v);
    REQUIRE(cred.has_value());
    auto a = assert_vector(v, cred->key.alg, cred->key.spki, cred->id, false);
    REQUIRE_FALSE(a.ok());
    CHECK(reason_of(a.err()) == why);
  }
}

TEST_CASE("assertions of W3C vectors with unsupported attestation still verify with their ES256 key") {
  // The formats are refused at registration, but their keys are ordinary: this checks the assertion
  // path on three more independent signatures.
  for (const char* name : {"tpm-es256", "android-key-es256", "apple-es256"}) {
    CAPTURE(name);
    const vector& v = vectors().at(name);
    const auto cred = credential_of(v);
    REQUIRE(cred.has_value());
    auto a = assert_vector(v, cred->key.alg, cred->key.spki, cred->id, true);
    CHECK_MESSAGE(a.ok(), a.message());
  }
}

TEST_CASE("W3C registrations fail closed under an attestation policy") {
  SUBCASE("none and self attestation cannot satisfy a root requirement") {
    attestation_policy policy;
    policy.trusted_roots.push_back(vectors().at("packed-es256").attestation_object);  // not even a certificate
    for (const char* name : {"none-es256", "packed-self-es256"}) {
      auto reg = register_vector(vectors().at(name), policy);
      REQUIRE_FALSE(reg.ok());
      CHECK(reason_of(reg.err()) == refusal::attestation_untrusted);
    }
  }
  SUBCASE("an AAGUID allow-list alone refuses everything: no chain, no trust in the AAGUID") {
    const auto cred = credential_of(vectors().at("packed-es256"));
    REQUIRE(cred.has_value());
    attestation_policy policy;
    policy.allowed_aaguids.push_back(cred->aaguid);
    auto reg = register_vector(vectors().at("packed-es256"), policy);
    REQUIRE_FALSE(reg.ok());
    CHECK(reason_of(reg.err()) == refusal::attestation_untrusted);
  }
}
