// Whether a new password may be set. Two profiles: `mhlw` follows the ministry of health checklist
// (英数字、記号を混在させた8文字以上); `nist` follows SP 800-63B (length and blocklist, no composition rules).
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include "core/config/config.hpp"

namespace sekisho::password {

// Longest accepted password, in characters: long passphrases are welcome.
inline constexpr std::size_t max_password_code_points = 256;

struct policy_verdict {
  bool ok = false;
  std::string reason_ja;  // plain words for the person choosing the password; empty when ok
  std::string reason_en;
};

// `min_length` is in characters (Unicode code points after NFKC), not bytes.
policy_verdict check_password(std::string_view password_utf8, std::string_view username, password_profile profile,
                              int min_length);

}  // namespace sekisho::password
