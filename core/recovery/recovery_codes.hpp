// Recovery codes: ten single-use codes for the night the security key is lost. Shown once,
// stored only as Argon2id hashes (NIST SP 800-63B-4 look-up secrets below 112 bits).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/password/password_hasher.hpp"

namespace sekisho::recovery {

inline constexpr int codes_per_set = 10;

// Lighter than login passwords: a code carries 60 random bits, and a login may try all ten.
password::argon2_params hash_params();

struct code_set {
  std::vector<std::string> codes;   // to show once: "k7m2-9xqa-p4tz"
  std::vector<std::string> hashes;  // to store
};

code_set generate_codes(const password::password_hasher& hasher, int count = codes_per_set);

// Lower-cases, drops spaces and hyphens, reads o as 0 and i/l as 1; nullopt if it cannot be a code.
std::optional<std::string> normalize_code(std::string_view typed);

}  // namespace sekisho::recovery
