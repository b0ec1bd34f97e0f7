// fido-u2f attestation (§8.6) from the software authenticator: the certificate's P-256 key signs
// 0x00 ‖ rpIdHash ‖ clientDataHash ‖ credentialId ‖ 0x04 ‖ x ‖ y.
#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "tests/unit/core/webauthn/ceremony.hpp"

using namespace sekisho::webauthn;
using soft::bytes, soft::map, soft::text;

namespace {

soft::registration u2f_registration(const soft::key_pair& credential, const soft::key_pair& att_key,
                                    const std::vector<std::string>& x5c) {
  const auto ad = soft::new_credential(credential);
  const std::string cdj = soft::client_data("webauthn.create", soft::challenge_b64);
  const auto cose = cbor::load_exact(credential.cose(), 2);
  const std::string point = "\x04" + std::string(*cbor::bytes(cbor::find(cose.get(), -2))) +
                            std::string(*cbor::bytes(cbor::find(cose.get(), -3)));
  const std::string signed_data =
      std::string(1, '\0') + sekisho::sha256("example.org") + sekisho::sha256(cdj) + ad.credential_id + point;
  std::vector<std::string> certs;
  for (const auto& c : x5c) certs.push_back(bytes(c));
  const std::string statement = map({{text("sig"), bytes(att_key.sign(signed_data))}, {text("x5c"), soft::array(certs)}});
  return soft::registration{soft::credential_id, cdj, soft::attestation_object("fido-u2f", statement, ad.encode())};
}

std::optional<refusal> outcome(const soft::registration& reg) {
  auto r = verify_registration(soft::example_rp(), {soft::challenge}, {}, reg.response());
  return r.ok() ? std::nullopt : std::optional(reason_of(r.err()));
}

}  // namespace

TEST_CASE("fido-u2f: one P-256 attestation certificate signing the U2F message") {
  const auto credential = soft::make_key();
  const auto att_key = soft::make_key();
  const auto cert = soft::make_certificate(att_key, nullptr, false);
  auto r = verify_registration(soft::example_rp(), {soft::challenge}, {},
                               u2f_registration(credential, att_key, {cert.der()}).response());
  REQUIRE_MESSAGE(r.ok(), r.message());
  CHECK(r->attestation_format == "fido-u2f");
  CHECK(r->attestation == attestation_type::basic);

  CHECK(outcome(u2f_registration(credential, att_key, {cert.der(), cert.der()})) ==
        refusal::attestation_statement_malformed);
  const auto p384 = soft::make_key(cose_alg::es384);
  const auto p384_cert = soft::make_certificate(p384, nullptr, false);
  CHECK(outcome(u2f_registration(credential, p384, {p384_cert.der()})) == refusal::attestation_certificate_invalid);
  // The U2F message carries a raw P-256 point: other credential keys cannot be attested this way.
  const auto p384_credential = soft::make_key(cose_alg::es384);
  CHECK(outcome(u2f_registration(p384_credential, att_key, {cert.der()})) == refusal::attestation_statement_malformed);
  const auto impostor = soft::make_key();
  CHECK(outcome(u2f_registration(credential, impostor, {cert.der()})) == refusal::attestation_signature_invalid);
}
