#include "core/webauthn/attestation_certificate.hpp"

#include <openssl/ec.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstring>
#include <memory>

#include "core/webauthn/refusal.hpp"

namespace sekisho::webauthn {
namespace {

struct x509_deleter {
  void operator()(X509* x) const { X509_free(x); }
};
using x509_ptr = std::unique_ptr<X509, x509_deleter>;

constexpr const char* aaguid_oid = "1.3.6.1.4.1.45724.1.1.4";  // id-fido-gen-ce-aaguid
constexpr const char* aik_certificate_oid = "2.23.133.8.3";   // tcg-kp-AIKCertificate

// One DER certificate, with nothing after it.
x509_ptr parse_der(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  x509_ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert || p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) return nullptr;
  return cert;
}

result<void> bad_cert(std::string_view why) { return refuse(refusal::attestation_certificate_invalid, why); }

bool is_ca(X509* cert) {
  int crit = 0;
  auto* bc = static_cast<BASIC_CONSTRAINTS*>(X509_get_ext_d2i(cert, NID_basic_constraints, &crit, nullptr));
  const bool ca = bc != nullptr && bc->ca != 0;
  BASIC_CONSTRAINTS_free(bc);
  // crit == -2: the extension appears twice, which we do not try to interpret.
  return ca || crit == -2;
}

// The AAGUID extension holds an OCTET STRING inside the extension's OCTET STRING.
result<void> check_aaguid_extension(X509* cert, std::string_view aaguid) {
  std::unique_ptr<ASN1_OBJECT, decltype(&ASN1_OBJECT_free)> oid(OBJ_txt2obj(aaguid_oid, 1), ASN1_OBJECT_free);
  if (!oid) return refuse(refusal::internal_error, "AAGUID OID");
  const int at = X509_get_ext_by_OBJ(cert, oid.get(), -1);
  if (at < 0) return {};
  if (X509_get_ext_by_OBJ(cert, oid.get(), at) >= 0) return bad_cert("two AAGUID extensions");
  X509_EXTENSION* ext = X509_get_ext(cert, at);
  if (X509_EXTENSION_get_critical(ext)) return bad_cert("critical AAGUID extension");
  const ASN1_OCTET_STRING* outer = X509_EXTENSION_get_data(ext);
  const unsigned char* p = ASN1_STRING_get0_data(outer);
  const auto n = ASN1_STRING_length(outer);
  std::unique_ptr<ASN1_OCTET_STRING, decltype(&ASN1_OCTET_STRING_free)> inner(
      d2i_ASN1_OCTET_STRING(nullptr, &p, n), ASN1_OCTET_STRING_free);
  if (!inner || p != ASN1_STRING_get0_data(outer) + n || aaguid.size() != 16 ||
      ASN1_STRING_length(inner.get()) != 16 || std::memcmp(ASN1_STRING_get0_data(inner.get()), aaguid.data(), 16) != 0)
    return bad_cert("AAGUID extension differs from authenticatorData");
  return {};
}

// The text of the one entry `nid` in `name`, or empty.
std::string name_entry(X509_NAME* name, int nid) {
  const int at = X509_NAME_get_index_by_NID(name, nid, -1);
  if (at < 0) return {};
  const ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, at));
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<std::size_t>(ASN1_STRING_length(s)));
}

bool has_aik_usage(X509* cert) {
  auto* eku = static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(cert, NID_ext_key_usage, nullptr, nullptr));
  if (eku == nullptr) return false;
  std::unique_ptr<ASN1_OBJECT, decltype(&ASN1_OBJECT_free)> want(OBJ_txt2obj(aik_certificate_oid, 1),
                                                                 ASN1_OBJECT_free);
  bool found = false;
  for (int i = 0; want && i < sk_ASN1_OBJECT_num(eku); ++i)
    if (OBJ_cmp(sk_ASN1_OBJECT_value(eku, i), want.get()) == 0) found = true;
  EXTENDED_KEY_USAGE_free(eku);
  return found;
}

}  // namespace

result<void> check_packed_certificate(std::string_view der, std::string_view aaguid) {
  auto cert = parse_der(der);
  if (!cert) return bad_cert("x5c[0] is not a DER certificate");
  if (X509_get_version(cert.get()) != X509_VERSION_3) return bad_cert("not X.509 v3");
  X509_NAME* subject = X509_get_subject_name(cert.get());
  if (name_entry(subject, NID_countryName).empty() || name_entry(subject, NID_organizationName).empty() ||
      name_entry(subject, NID_commonName).empty() ||
      name_entry(subject, NID_organizationalUnitName) != "Authenticator Attestation")
    return bad_cert("subject lacks C, O, CN or OU=Authenticator Attestation");
  if (is_ca(cert.get())) return bad_cert("a CA certificate");
  return check_aaguid_extension(cert.get(), aaguid);
}

result<void> check_tpm_certificate(std::string_view der, std::string_view aaguid) {
  auto cert = parse_der(der);
  if (!cert) return bad_cert("aikCert is not a DER certificate");
  if (X509_get_version(cert.get()) != X509_VERSION_3) return bad_cert("not X.509 v3");
  if (X509_NAME_entry_count(X509_get_subject_name(cert.get())) != 0) return bad_cert("subject is not empty");
  if (X509_get_ext_by_NID(cert.get(), NID_subject_alt_name, -1) < 0) return bad_cert("no subject alternative name");
  if (!has_aik_usage(cert.get())) return bad_cert("no tcg-kp-AIKCertificate key usage");
  if (is_ca(cert.get())) return bad_cert("a CA certificate");
  return check_aaguid_extension(cert.get(), aaguid);
}

result<void> check_u2f_certificate(std::string_view der) {
  auto cert = parse_der(der);
  if (!cert) return bad_cert("x5c[0] is not a DER certificate");
  const EVP_PKEY* key = X509_get0_pubkey(cert.get());
  char group[64] = {};
  std::size_t len = 0;
  if (key == nullptr || !EVP_PKEY_is_a(key, "EC") ||
      EVP_PKEY_get_group_name(key, group, sizeof(group), &len) != 1 ||
      (std::strcmp(group, "prime256v1") != 0 && std::strcmp(group, "P-256") != 0))
    return bad_cert("key is not EC P-256");
  return {};
}

bool chains_to_roots(std::span<const std::string> x5c, std::span<const std::string> roots) {
  if (x5c.empty() || roots.empty()) return false;
  std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> store(X509_STORE_new(), X509_STORE_free);
  std::unique_ptr<STACK_OF(X509), void (*)(STACK_OF(X509)*)> chain(
      sk_X509_new_null(), [](STACK_OF(X509)* s) { sk_X509_pop_free(s, X509_free); });
  std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> ctx(X509_STORE_CTX_new(), X509_STORE_CTX_free);
  if (!store || !chain || !ctx) return false;
  for (const auto& der : roots) {
    auto root = parse_der(der);
    if (!root || X509_STORE_add_cert(store.get(), root.get()) != 1) return false;
  }
  X509_STORE_set_flags(store.get(), X509_V_FLAG_PARTIAL_CHAIN);
  auto leaf = parse_der(x5c[0]);
  if (!leaf) return false;
  for (std::size_t i = 1; i < x5c.size(); ++i) {
    auto cert = parse_der(x5c[i]);
    if (!cert || sk_X509_push(chain.get(), cert.get()) == 0) return false;
    cert.release();  // the stack owns it now
  }
  if (X509_STORE_CTX_init(ctx.get(), store.get(), leaf.get(), chain.get()) != 1) return false;
  return X509_verify_cert(ctx.get()) == 1;
}

}  // namespace sekisho::webauthn
