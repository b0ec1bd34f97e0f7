// TPM attestation (§8.3) as libfido2 1.12 verifies it: an RS256 credential, certInfo signed with RS1 by
// an AIK whose certificate meets §8.3.1. The W3C tpm-es256 vector signs with ES256, which libfido2 cannot
// verify, so this statement is built here, field by field (TPM 2.0 Part 2, TPMT_PUBLIC and TPMS_ATTEST).
#include <doctest/doctest.h>

#include <openssl/sha.h>

#include <optional>
#include <string>

#include "tests/unit/core/webauthn/ceremony.hpp"

using namespace sekisho::webauthn;
using soft::bytes, soft::map, soft::text, soft::integer;

namespace {

std::string be(std::uint64_t v, int n) {
  std::string out;
  for (int i = n - 1; i >= 0; --i) out.push_back(static_cast<char>(v >> (8 * i) & 0xFF));
  return out;
}

std::string sha256_name(std::string_view data) { return be(34, 2) + be(0x000b, 2) + sekisho::sha256(data); }

// TPMT_PUBLIC of an RSA-2048 signing key: fixedTPM, fixedParent, sensitiveDataOrigin, sign (+decrypt).
std::string pub_area(const soft::key_pair& k) {
  // Other key types have no TPM RSA area; 256 filler bytes keep the statement well formed.
  const std::string n = k.alg == cose_alg::rs256 ? soft::bn_param(k.key.get(), "n") : std::string(256, '\x01');
  return be(0x0001, 2) + be(0x000b, 2) + be(0x00060032, 4) + be(32, 2) + std::string(32, '\x33') + be(0x0010, 2) +
         be(0x0010, 2) + be(2048, 2) + be(0, 4) + be(256, 2) + n;
}

// TPMS_ATTEST for TPM2_Certify: extraData is SHA-1(authData ‖ clientDataHash), as alg RS1 says.
std::string cert_info(const std::string& extra_data_input, const std::string& pub) {
  unsigned char sha1[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(extra_data_input.data()), extra_data_input.size(), sha1);
  return be(0xff544347, 4) + be(0x8017, 2) + sha256_name("signer") + be(20, 2) +
         std::string(reinterpret_cast<char*>(sha1), sizeof(sha1)) + be(123456, 8) + be(1, 4) + be(2, 4) + be(1, 1) +
         be(0x0102030405060708, 8) + sha256_name(pub) + sha256_name("qualified");
}

struct aik {
  soft::key_pair root_key = soft::make_key();
  soft::certificate root = soft::make_certificate(root_key, nullptr, true);
  soft::key_pair key = soft::make_key(cose_alg::rs256);
  soft::certificate cert;

  // §8.3.1: empty subject, a SAN, EKU tcg-kp-AIKCertificate, not a CA. `subject`/`eku` break it on purpose.
  explicit aik(bool subject = false, bool eku = true) {
    X509* x = X509_new();
    X509_set_version(x, X509_VERSION_3);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 77);
    X509_gmtime_adj(X509_getm_notBefore(x), -86400);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 365);
    if (subject)
      X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>("aik"), 3, -1, 0);
    X509_set_issuer_name(x, X509_get_subject_name(root.cert.get()));
    X509_set_pubkey(x, key.key.get());
    soft::add_ext(x, root.cert.get(), NID_basic_constraints, "critical,CA:FALSE");
    soft::add_ext(x, root.cert.get(), NID_subject_alt_name, "critical,DNS:tpm.example");
    if (eku) soft::add_ext(x, root.cert.get(), NID_ext_key_usage, "2.23.133.8.3");
    X509_sign(x, root_key.key.get(), EVP_sha256());
    cert = soft::certificate{key.key, std::shared_ptr<X509>(x, X509_free)};
  }
};

// What can be changed in one statement.
struct tpm_statement {
  std::string ver = "2.0";
  bool wrong_extra_data = false;                 // certInfo signed, but not over this authData and client data
  bool tamper_sig = false;
  const soft::key_pair* signing_key = nullptr;  // another key than the AIK certificate's
};

soft::registration tpm_registration(const soft::key_pair& credential, const aik& signer, const tpm_statement& s = {}) {
  const std::string ad = soft::new_credential(credential).encode();
  const std::string cdj = soft::client_data("webauthn.create", soft::challenge_b64);
  const std::string pub = pub_area(credential);
  std::string info = cert_info(ad + sekisho::sha256(cdj), pub);
  if (s.wrong_extra_data) info[44] ^= 1;  // magic 4, type 2, signer 36, size 2: the first extraData byte
  // RS1: RSASSA-PKCS1-v1_5 with SHA-1 over certInfo.
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::string sig(256, '\0');
  std::size_t len = sig.size();
  EVP_DigestSignInit(ctx, nullptr, EVP_sha1(), nullptr, (s.signing_key ? *s.signing_key : signer.key).key.get());
  EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                 reinterpret_cast<const unsigned char*>(info.data()), info.size());
  EVP_MD_CTX_free(ctx);
  if (s.tamper_sig) sig[100] ^= 1;
  // CTAP2 canonical key order, which libfido2 checks.
  const std::string statement = map({{text("alg"), integer(-65535)}, {text("sig"), bytes(sig)}, {text("ver"), text(s.ver)},
                                     {text("x5c"), soft::array({bytes(signer.cert.der())})},
                                     {text("pubArea"), bytes(pub)}, {text("certInfo"), bytes(info)}});
  return soft::registration{soft::credential_id, cdj, soft::attestation_object("tpm", statement, ad)};
}

std::optional<refusal> outcome(const soft::registration& reg, const attestation_policy& policy = {}) {
  auto r = verify_registration(soft::example_rp(), {soft::challenge}, policy, reg.response());
  return r.ok() ? std::nullopt : std::optional(reason_of(r.err()));
}

}  // namespace

TEST_CASE("a TPM RS1 statement for an RS256 credential verifies, and chains to its root") {
  const auto credential = soft::make_key(cose_alg::rs256);
  const aik signer;
  const auto reg = tpm_registration(credential, signer);
  auto r = verify_registration(soft::example_rp(), {soft::challenge}, {}, reg.response());
  REQUIRE_MESSAGE(r.ok(), r.message());
  CHECK(r->attestation_format == "tpm");
  CHECK(r->attestation == attestation_type::basic);
  CHECK(r->alg == cose_alg::rs256);
  attestation_policy policy;
  policy.trusted_roots = {signer.root.der()};
  CHECK(outcome(reg, policy) == std::nullopt);
  const aik stranger;
  policy.trusted_roots = {stranger.root.der()};
  CHECK(outcome(reg, policy) == refusal::attestation_untrusted);
}

TEST_CASE("TPM statements that break §8.3 are refused") {
  const auto credential = soft::make_key(cose_alg::rs256);
  const aik signer;
  CHECK(outcome(tpm_registration(credential, signer, {.ver = "1.2"})) == refusal::attestation_statement_malformed);
  // libfido2 compares certInfo with what it must be; a TPM that certified something else is refused.
  CHECK(outcome(tpm_registration(credential, signer, {.wrong_extra_data = true})) ==
        refusal::attestation_statement_malformed);
  CHECK(outcome(tpm_registration(credential, signer, {.tamper_sig = true})) == refusal::attestation_signature_invalid);
  const auto impostor = soft::make_key(cose_alg::rs256);
  CHECK(outcome(tpm_registration(credential, signer, {.signing_key = &impostor})) ==
        refusal::attestation_signature_invalid);
  CHECK(outcome(tpm_registration(credential, aik(/*subject=*/true))) == refusal::attestation_certificate_invalid);
  CHECK(outcome(tpm_registration(credential, aik(false, /*eku=*/false))) == refusal::attestation_certificate_invalid);
  // libfido2 1.12 verifies TPM statements for ES256 and RS256 credentials only.
  const auto ed = soft::make_key(cose_alg::eddsa);
  CHECK(outcome(tpm_registration(ed, signer)) == refusal::unsupported_attestation_algorithm);
}
