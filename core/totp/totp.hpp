// TOTP (RFC 6238) codes through liboath: secret generation, constant-time verification, generation.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/config/config.hpp"

namespace sekisho::totp {

struct totp_params {
  totp_algorithm algorithm = totp_algorithm::sha1;
  int digits = 6;           // 6, 7 or 8 (liboath supports no other length)
  int period_seconds = 30;  // the time step X of RFC 6238
};

// A fresh random seed as long as the HMAC's output (RFC 4226 R6, NIST 112-bit strength):
// 20 bytes for SHA-1, 32 for SHA-256, 64 for SHA-512.
std::string generate_secret(totp_algorithm a);

// Checks `code` against the steps now/period − window … now/period + window and returns the
// absolute time step T that matched, or nullopt. Spaces are removed first; anything else that is
// not exactly `p.digits` ASCII digits is refused without calling liboath. The comparison runs in
// constant time (CRYPTO_memcmp).
//
// liboath keeps no state: the CALLER must reject replays by accepting a step only if it is
// greater than the last accepted step of this credential, atomically (RFC 6238 §5.2).
// If one code happens to repeat inside the window, liboath reports the first match in its search
// order (T, T+1, T−1, …), which may be an older step; the replay check then refuses the code —
// a rare false reject, never a false accept.
std::optional<std::int64_t> verify_code(std::string_view secret, const totp_params& p, std::string_view code,
                                        std::int64_t now_unix, int window);

// The code for the step containing `now_unix` (tests, the CLI and benches); empty on bad parameters.
std::string generate_code(std::string_view secret, const totp_params& p, std::int64_t now_unix);

}  // namespace sekisho::totp
