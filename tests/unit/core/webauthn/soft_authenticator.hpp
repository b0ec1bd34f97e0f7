// A software authenticator for the tests: real keys and signatures from OpenSSL, hand-built CBOR, so a
// test can produce exactly the (mal)formed registration or assertion it needs.
#pragma once
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/util/digest.hpp"
#include "core/webauthn/types.hpp"

namespace soft {

using sekisho::webauthn::cose_alg;
namespace flag = sekisho::webauthn::flag;

// --- CBOR, definite lengths only ----------------------------------------------------------------
inline std::string head(int major, std::uint64_t n) {
  std::string out;
  const auto m = static_cast<char>(major << 5);
  auto put = [&](int info, int bytes) {
    out.push_back(static_cast<char>(m | info));
    for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>(n >> (8 * i) & 0xFF));
  };
  if (n < 24) put(static_cast<int>(n), 0);
  else if (n <= 0xFF) put(24, 1);
  else if (n <= 0xFFFF) put(25, 2);
  else if (n <= 0xFFFFFFFF) put(26, 4);
  else put(27, 8);
  return out;
}
inline std::string integer(std::int64_t v) {
  return v >= 0 ? head(0, static_cast<std::uint64_t>(v)) : head(1, static_cast<std::uint64_t>(-1 - v));
}
inline std::string bytes(std::string_view b) { return head(2, b.size()) + std::string(b); }
inline std::string text(std::string_view t) { return head(3, t.size()) + std::string(t); }
inline std::string map(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::string out = head(5, pairs.size());
  for (const auto& [k, v] : pairs) out += k + v;
  return out;
}
inline std::string array(const std::vector<std::string>& items) {
  std::string out = head(4, items.size());
  for (const auto& i : items) out += i;
  return out;
}

// --- keys ------------------------------------------------------------------------------------------
struct pkey_free {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using pkey = std::shared_ptr<EVP_PKEY>;

inline std::string bn_param(EVP_PKEY* k, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(k, name, &bn) != 1) throw std::runtime_error("bn param");
  std::string out(static_cast<std::size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  BN_free(bn);
  return out;
}

struct key_pair {
  cose_alg alg = cose_alg::es256;
  pkey key;

  // COSE_Key as an authenticator encodes it.
  std::string cose() const {
    const auto a = integer(static_cast<int>(alg));
    if (alg == cose_alg::rs256)
      return map({{integer(1), integer(3)}, {integer(3), a}, {integer(-1), bytes(bn_param(key.get(), "n"))},
                  {integer(-2), bytes(bn_param(key.get(), "e"))}});
    if (alg == cose_alg::eddsa) {
      std::string x(32, '\0');
      std::size_t n = x.size();
      EVP_PKEY_get_raw_public_key(key.get(), reinterpret_cast<unsigned char*>(x.data()), &n);
      return map({{integer(1), integer(1)}, {integer(3), a}, {integer(-1), integer(6)}, {integer(-2), bytes(x)}});
    }
    std::string point(200, '\0');
    std::size_t n = 0;
    EVP_PKEY_get_octet_string_param(key.get(), OSSL_PKEY_PARAM_PUB_KEY, reinterpret_cast<unsigned char*>(point.data()),
                                    point.size(), &n);
    const std::size_t c = (n - 1) / 2;
    return map({{integer(1), integer(2)}, {integer(3), a}, {integer(-1), integer(alg == cose_alg::es256 ? 1 : 2)},
                {integer(-2), bytes(point.substr(1, c))}, {integer(-3), bytes(point.substr(1 + c, c))}});
  }

  std::string spki() const {
    unsigned char* der = nullptr;
    const int n = i2d_PUBKEY(key.get(), &der);
    std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(n));
    OPENSSL_free(der);
    return out;
  }

  // The WebAuthn signature over `message` (DER for ECDSA, raw for EdDSA, PKCS#1 v1.5 for RSA).
  std::string sign(std::string_view message) const {
    const EVP_MD* md = alg == cose_alg::es384 ? EVP_sha384() : alg == cose_alg::eddsa ? nullptr : EVP_sha256();
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    std::size_t n = 0;
    const auto* m = reinterpret_cast<const unsigned char*>(message.data());
    std::string sig;
    if (EVP_DigestSignInit(ctx, nullptr, md, nullptr, key.get()) == 1 &&
        EVP_DigestSign(ctx, nullptr, &n, m, message.size()) == 1) {
      sig.resize(n);
      EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &n, m, message.size());
      sig.resize(n);
    }
    EVP_MD_CTX_free(ctx);
    return sig;
  }
};

inline key_pair make_key(cose_alg alg = cose_alg::es256) {
  EVP_PKEY* k = nullptr;
  switch (alg) {
    case cose_alg::es256: k = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"); break;
    case cose_alg::es384: k = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"); break;
    case cose_alg::eddsa: k = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"); break;
    case cose_alg::rs256: k = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{2048}); break;
  }
  if (k == nullptr) throw std::runtime_error("keygen");
  return key_pair{alg, pkey(k, pkey_free{})};
}

// --- authenticator data, client data, attestation objects ------------------------------------------
struct auth_data {
  std::string rp_id = "example.org";
  std::uint8_t flags = flag::user_present | flag::user_verified;
  std::uint32_t sign_count = 0;
  std::string aaguid = std::string(16, '\x5a');
  std::string credential_id;  // with cose_key: attested credential data (set AT yourself)
  std::string cose_key;
  std::string extensions;     // encoded CBOR map (set ED yourself)
  std::string trailing;

  std::string encode() const {
    std::string out = sekisho::sha256(rp_id);
    out.push_back(static_cast<char>(flags));
    for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>(sign_count >> (8 * i) & 0xFF));
    if (!cose_key.empty()) {
      out += aaguid;
      out.push_back(static_cast<char>(credential_id.size() >> 8));
      out.push_back(static_cast<char>(credential_id.size() & 0xFF));
      out += credential_id + cose_key;
    }
    return out + extensions + trailing;
  }
};

inline std::string client_data(std::string_view type, std::string_view challenge_b64url,
                               std::string_view origin = "https://example.org", std::string_view more = "") {
  return std::string(R"({"type":")") + std::string(type) + R"(","challenge":")" + std::string(challenge_b64url) +
         R"(","origin":")" + std::string(origin) + R"(","crossOrigin":false)" + std::string(more) + "}";
}

inline std::string attestation_object(std::string_view fmt, const std::string& statement, const std::string& ad) {
  return map({{text("fmt"), text(fmt)}, {text("attStmt"), statement}, {text("authData"), bytes(ad)}});
}

// --- certificates ----------------------------------------------------------------------------------
struct certificate {
  pkey key;
  std::shared_ptr<X509> cert;
  std::string der() const {
    unsigned char* p = nullptr;
    const int n = i2d_X509(cert.get(), &p);
    std::string out(reinterpret_cast<char*>(p), static_cast<std::size_t>(n));
    OPENSSL_free(p);
    return out;
  }
};

inline void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// A v3 certificate for `subject_key`, signed by `issuer` (self-signed when null). `ou` empty leaves OU out.
inline certificate make_certificate(const key_pair& subject_key, const certificate* issuer, bool ca,
                                    std::string_view ou = "Authenticator Attestation", std::string_view aaguid = "") {
  static long serial = 1;
  X509* x = X509_new();
  X509_set_version(x, X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
  X509_gmtime_adj(X509_getm_notBefore(x), -86400);
  X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 365);
  X509_NAME* name = X509_get_subject_name(x);
  auto add = [&](const char* field, std::string_view v) {
    X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(v.data()),
                               static_cast<int>(v.size()), -1, 0);
  };
  add("C", "JP");
  add("O", "Sekisho Test");
  if (!ou.empty()) add("OU", ou);
  add("CN", ca ? "Test Root" : "Test Attestation");
  X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer->cert.get()) : name);
  X509_set_pubkey(x, subject_key.key.get());
  add_ext(x, issuer ? issuer->cert.get() : x, NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  if (ca) add_ext(x, x, NID_key_usage, "critical,keyCertSign,cRLSign");
  if (!aaguid.empty()) {
    ASN1_OCTET_STRING* inner = ASN1_OCTET_STRING_new();
    ASN1_OCTET_STRING_set(inner, reinterpret_cast<const unsigned char*>(aaguid.data()), static_cast<int>(aaguid.size()));
    unsigned char* der = nullptr;
    const int n = i2d_ASN1_OCTET_STRING(inner, &der);
    ASN1_OCTET_STRING* outer = ASN1_OCTET_STRING_new();
    ASN1_OCTET_STRING_set(outer, der, n);
    ASN1_OBJECT* oid = OBJ_txt2obj("1.3.6.1.4.1.45724.1.1.4", 1);
    X509_EXTENSION* ext = X509_EXTENSION_create_by_OBJ(nullptr, oid, 0, outer);
    X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
    ASN1_OBJECT_free(oid);
    ASN1_OCTET_STRING_free(outer);
    ASN1_OCTET_STRING_free(inner);
    OPENSSL_free(der);
  }
  X509_sign(x, issuer ? issuer->key.get() : subject_key.key.get(), EVP_sha256());
  return certificate{subject_key.key, std::shared_ptr<X509>(x, X509_free)};
}

}  // namespace soft
