// Credential public keys: COSE_Key (as authenticators send them) in, SubjectPublicKeyInfo DER out.
// SPKI DER is what we store: self-describing, readable by any crypto library, and checked against the
// stored COSE algorithm before every use (a key of one type used as another is libfido2 UB, LF-A-08).
#pragma once
#include <cbor.h>

#include <optional>
#include <string>
#include <string_view>

#include "core/util/result.hpp"
#include "core/webauthn/types.hpp"

namespace sekisho::webauthn {

struct credential_key {
  cose_alg alg = cose_alg::es256;
  std::string spki;  // SubjectPublicKeyInfo, DER
};

// A COSE_Key map (RFC 9053) for one of our algorithms: kty and crv must agree with alg (ES256 → EC2/P-256,
// ES384 → EC2/P-384, EdDSA → OKP/Ed25519, RS256 → RSA), EC points uncompressed and on the curve, RSA
// modulus exactly 2048 bits with a 3-byte exponent (what libfido2 1.12 verifies, LF-F-06).
// Refusals: unsupported_algorithm (another alg, or another RSA size), public_key_malformed.
result<credential_key> parse_cose_key(const cbor_item_t* map);

// A stored SPKI in libfido2's raw form (ES256/ES384: x ‖ y; EdDSA: the 32-byte key; RS256: n ‖ e, 256 + 3
// bytes), only if it is a key of the type `alg` needs; nullopt otherwise. The EC and Ed25519 forms are read
// by matching the exact DER that i2d_PUBKEY writes for them, not through OpenSSL's decoders, which cost
// more than the signature check itself (about 130 µs a key with OpenSSL 3.0).
std::optional<std::string> raw_public_key(cose_alg alg, std::string_view spki);

}  // namespace sekisho::webauthn
