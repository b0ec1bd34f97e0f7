// clientDataJSON: what the browser says it did. libfido2 never reads it (LF-P-06), so every member
// that matters is checked here (WebAuthn L3 §7.1 steps 5–11, §7.2 steps 8–14).
#pragma once
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "core/util/result.hpp"

namespace sekisho::webauthn {

// Real clientDataJSON is a few hundred bytes; the limit keeps the JSON parser's work small.
inline constexpr std::size_t max_client_data_bytes = 8 * 1024;
// We send 32 random bytes; less than 16 is a caller bug (L3 §13.5.3).
inline constexpr std::size_t min_challenge_bytes = 16;

enum class ceremony { create, get };  // C.type "webauthn.create" / "webauthn.get"

struct client_data_expectation {
  ceremony type = ceremony::get;
  std::string_view challenge;                // the raw bytes this server sent, not base64url
  std::span<const std::string> origins;      // exact origins, e.g. "https://gw.hospital.example"
};

// Checks, in this order: size, UTF-8 (a leading BOM is skipped), JSON object without duplicate keys,
// type, challenge (base64url without padding, compared in constant time), origin (exact member of the
// list), topOrigin (absent: we allow no embedding), crossOrigin (absent or false), tokenBinding (not
// "present"). Other members (extraData…) are ignored, as the spec asks. The caller hashes the raw bytes.
result<void> check_client_data(std::string_view json, const client_data_expectation& expected);

}  // namespace sekisho::webauthn
