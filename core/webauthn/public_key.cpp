#include "core/webauthn/public_key.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include <memory>

#include "core/webauthn/cbor.hpp"
#include "core/webauthn/refusal.hpp"

namespace sekisho::webauthn {
namespace {

using namespace std::literals;

// COSE labels (RFC 9052 §7, RFC 9053 §7).
constexpr std::int64_t label_kty = 1, label_alg = 3, label_crv = -1, label_x = -2, label_y = -3;
constexpr std::int64_t label_rsa_n = -1, label_rsa_e = -2;
constexpr std::int64_t kty_okp = 1, kty_ec2 = 2, kty_rsa = 3;
constexpr std::int64_t crv_p256 = 1, crv_p384 = 2, crv_ed25519 = 6;
constexpr std::size_t max_cose_pairs = 16;

struct evp_pkey_deleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using evp_pkey_ptr = std::unique_ptr<EVP_PKEY, evp_pkey_deleter>;
struct pkey_ctx_deleter {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
struct param_bld_deleter {
  void operator()(OSSL_PARAM_BLD* b) const { OSSL_PARAM_BLD_free(b); }
};
struct params_deleter {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
struct bn_deleter {
  void operator()(BIGNUM* b) const { BN_free(b); }
};

const unsigned char* uchars(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

// Builds a public key of `type` ("EC", "RSA") from parameters, then lets OpenSSL check it
// (on the curve, not the point at infinity, right order; RSA sanity).
evp_pkey_ptr key_from_params(const char* type, OSSL_PARAM_BLD* bld) {
  std::unique_ptr<OSSL_PARAM, params_deleter> params(OSSL_PARAM_BLD_to_param(bld));
  std::unique_ptr<EVP_PKEY_CTX, pkey_ctx_deleter> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
    return nullptr;
  evp_pkey_ptr key(raw);
  std::unique_ptr<EVP_PKEY_CTX, pkey_ctx_deleter> check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) return nullptr;
  return key;
}

evp_pkey_ptr ec_key(const cbor_item_t* map, std::int64_t want_crv, std::size_t coord_bytes, const char* group) {
  const auto crv = cbor::integer(cbor::find(map, label_crv));
  const auto x = cbor::bytes(cbor::find(map, label_x));
  const auto y = cbor::bytes(cbor::find(map, label_y));  // a boolean here would be a compressed point
  if (crv != want_crv || !x || !y || x->size() != coord_bytes || y->size() != coord_bytes) return nullptr;
  std::string point = "\x04";
  point.append(*x).append(*y);
  std::unique_ptr<OSSL_PARAM_BLD, param_bld_deleter> bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1)
    return nullptr;
  return key_from_params("EC", bld.get());
}

evp_pkey_ptr ed25519_key(const cbor_item_t* map) {
  const auto crv = cbor::integer(cbor::find(map, label_crv));
  const auto x = cbor::bytes(cbor::find(map, label_x));
  if (crv != crv_ed25519 || !x || x->size() != 32) return nullptr;
  return evp_pkey_ptr(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, uchars(*x), x->size()));
}

// RS256: n must be exactly 2048 bits (256 bytes, top bit set) and e exactly 3 bytes, as libfido2 stores them.
result<evp_pkey_ptr> rsa_key(const cbor_item_t* map) {
  const auto n = cbor::bytes(cbor::find(map, label_rsa_n));
  const auto e = cbor::bytes(cbor::find(map, label_rsa_e));
  if (!n || !e) return refuse(refusal::public_key_malformed, "RSA key without n or e");
  if (n->size() != 256 || (static_cast<unsigned char>((*n)[0]) & 0x80) == 0 || e->size() != 3)
    return refuse(refusal::unsupported_algorithm, "RSA keys other than 2048 bits with a 3-byte exponent");
  std::unique_ptr<BIGNUM, bn_deleter> bn_n(BN_bin2bn(uchars(*n), static_cast<int>(n->size()), nullptr));
  std::unique_ptr<BIGNUM, bn_deleter> bn_e(BN_bin2bn(uchars(*e), static_cast<int>(e->size()), nullptr));
  std::unique_ptr<OSSL_PARAM_BLD, param_bld_deleter> bld(OSSL_PARAM_BLD_new());
  if (!bn_n || !bn_e || !bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1)
    return refuse(refusal::internal_error, "RSA parameters");
  auto key = key_from_params("RSA", bld.get());
  if (!key) return refuse(refusal::public_key_malformed, "RSA key rejected by OpenSSL");
  return key;
}

std::string to_spki(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int n = i2d_PUBKEY(key, &der);
  std::string out;
  if (n > 0) out.assign(reinterpret_cast<const char*>(der), static_cast<std::size_t>(n));
  OPENSSL_free(der);
  return out;
}

// SubjectPublicKeyInfo prefixes as i2d_PUBKEY writes them: named curve, uncompressed point (0x04).
constexpr std::string_view p256_spki_prefix =
    "\x30\x59\x30\x13\x06\x07\x2a\x86\x48\xce\x3d\x02\x01\x06\x08\x2a\x86\x48\xce\x3d\x03\x01\x07\x03\x42\x00\x04"sv;
constexpr std::string_view p384_spki_prefix =
    "\x30\x76\x30\x10\x06\x07\x2a\x86\x48\xce\x3d\x02\x01\x06\x05\x2b\x81\x04\x00\x22\x03\x62\x00\x04"sv;
constexpr std::string_view ed25519_spki_prefix = "\x30\x2a\x30\x05\x06\x03\x2b\x65\x70\x03\x21\x00"sv;

std::optional<std::string> after_prefix(std::string_view spki, std::string_view prefix, std::size_t key_bytes) {
  if (spki.size() != prefix.size() + key_bytes || !spki.starts_with(prefix)) return std::nullopt;
  return std::string(spki.substr(prefix.size()));
}

// RSA keys vary in length, so they go through OpenSSL's decoder; n and e come out fixed-width.
std::optional<std::string> rsa_raw(std::string_view spki) {
  const unsigned char* p = uchars(spki);
  evp_pkey_ptr key(d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size())));
  if (!key || p != uchars(spki) + spki.size() || !EVP_PKEY_is_a(key.get(), "RSA") ||
      EVP_PKEY_get_bits(key.get()) != 2048)
    return std::nullopt;
  BIGNUM* n = nullptr;
  BIGNUM* e = nullptr;
  std::string raw(256 + 3, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  const bool ok = EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_N, &n) == 1 &&
                  EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_E, &e) == 1 && BN_bn2binpad(n, out, 256) == 256 &&
                  BN_bn2binpad(e, out + 256, 3) == 3;
  BN_free(n);
  BN_free(e);
  return ok ? std::optional(std::move(raw)) : std::nullopt;
}

}  // namespace

result<credential_key> parse_cose_key(const cbor_item_t* map) {
  if (!cbor::is_plain_map(map, max_cose_pairs)) return refuse(refusal::public_key_malformed, "not a COSE_Key map");
  const auto kty = cbor::integer(cbor::find(map, label_kty));
  const auto alg = cbor::integer(cbor::find(map, label_alg));
  if (!kty || !alg) return refuse(refusal::public_key_malformed, "COSE_Key without kty or alg");
  evp_pkey_ptr key;
  switch (*alg) {
    case static_cast<int>(cose_alg::es256):
      if (*kty == kty_ec2) key = ec_key(map, crv_p256, 32, "P-256");
      break;
    case static_cast<int>(cose_alg::es384):
      if (*kty == kty_ec2) key = ec_key(map, crv_p384, 48, "P-384");
      break;
    case static_cast<int>(cose_alg::eddsa):
      if (*kty == kty_okp) key = ed25519_key(map);
      break;
    case static_cast<int>(cose_alg::rs256): {
      if (*kty != kty_rsa) break;
      auto k = rsa_key(map);
      if (!k) return k.err();
      key = std::move(*k);
      break;
    }
    default:
      return refuse(refusal::unsupported_algorithm, "COSE algorithm " + std::to_string(*alg));
  }
  if (!key) return refuse(refusal::public_key_malformed, "key does not match its COSE algorithm");
  credential_key out{static_cast<cose_alg>(*alg), to_spki(key.get())};
  if (out.spki.empty()) return refuse(refusal::internal_error, "SPKI encoding");
  return out;
}

std::optional<std::string> raw_public_key(cose_alg alg, std::string_view spki) {
  switch (alg) {
    case cose_alg::es256: return after_prefix(spki, p256_spki_prefix, 64);
    case cose_alg::es384: return after_prefix(spki, p384_spki_prefix, 96);
    case cose_alg::eddsa: return after_prefix(spki, ed25519_spki_prefix, 32);
    case cose_alg::rs256: return rsa_raw(spki);
  }
  return std::nullopt;
}

}  // namespace sekisho::webauthn
