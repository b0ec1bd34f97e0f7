// authenticatorData (WebAuthn §6.1), parsed completely and strictly (WA-R-11): libfido2 ignores
// trailing bytes (LF-P-08), we refuse them.
//   rpIdHash 32 ‖ flags 1 ‖ signCount 4 (big-endian) ‖ [AAGUID 16 ‖ L 2 ‖ credentialId L ‖ COSE_Key] ‖ [extensions]
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/util/result.hpp"
#include "core/webauthn/cbor.hpp"
#include "core/webauthn/public_key.hpp"
#include "core/webauthn/types.hpp"

namespace sekisho::webauthn {

// A 1023-byte credential id, an RSA key and a few extensions fit easily.
inline constexpr std::size_t max_authenticator_data_bytes = 8 * 1024;
inline constexpr std::size_t max_credential_id_bytes = 1023;  // L3 §7.1 step 25

struct attested_credential {
  std::string aaguid;  // 16 bytes: the authenticator model
  std::string id;      // 1 … 1023 bytes
  credential_key key;
};

struct authenticator_data {
  std::string rp_id_hash;  // 32 bytes
  std::uint8_t flags = 0;
  std::uint32_t sign_count = 0;
  std::optional<attested_credential> credential;  // present exactly when the AT flag is set
  cbor::item_ptr extensions;                      // the extension map when the ED flag is set, else null

  bool has(std::uint8_t f) const { return (flags & f) != 0; }
};

// Refusals: input_too_large, authenticator_data_malformed (truncated, trailing bytes, bad CBOR,
// empty credential id), credential_id_too_long, and the COSE_Key ones of parse_cose_key.
result<authenticator_data> parse_authenticator_data(std::string_view raw);

// What both ceremonies check alike (L3 §7.1 steps 14–17, §7.2 steps 15–18): rpIdHash is SHA-256 of the
// RP ID (constant time), UP set, UV set when required, and BS only with BE.
result<void> check_authenticator_data(const authenticator_data& data, std::string_view rp_id, user_verification uv);

}  // namespace sekisho::webauthn
