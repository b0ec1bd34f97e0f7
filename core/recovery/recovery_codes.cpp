#include "core/recovery/recovery_codes.hpp"

#include <cstdlib>

#include "core/util/random.hpp"

namespace sekisho::recovery {
namespace {

// Crockford's base32: no i, l, o, u, so a handwritten copy is not misread.
constexpr std::string_view alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
constexpr std::size_t symbols = 12;  // 60 bits

}  // namespace

password::argon2_params hash_params() { return {19456, 2, 1}; }

code_set generate_codes(const password::password_hasher& hasher, int count) {
  code_set set;
  for (int i = 0; i < count; ++i) {
    std::string raw;
    for (std::size_t k = 0; k < symbols; ++k) raw.push_back(alphabet[random_below(32)]);
    auto h = hasher.hash(raw);
    if (!h) std::abort();  // hashing ASCII cannot fail short of memory exhaustion
    set.hashes.push_back(*h);
    set.codes.push_back(raw.substr(0, 4) + "-" + raw.substr(4, 4) + "-" + raw.substr(8, 4));
  }
  return set;
}

std::optional<std::string> normalize_code(std::string_view typed) {
  if (typed.size() > 64) return std::nullopt;
  std::string out;
  for (char c : typed) {
    if (c == ' ' || c == '-') continue;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c == 'o') c = '0';
    if (c == 'i' || c == 'l') c = '1';
    if (alphabet.find(c) == std::string_view::npos) return std::nullopt;
    out.push_back(c);
  }
  if (out.size() != symbols) return std::nullopt;
  return out;
}

}  // namespace sekisho::recovery
