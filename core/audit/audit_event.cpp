#include "core/audit/audit_event.hpp"

#include <array>
#include <stdexcept>

namespace sekisho::audit {
namespace {

constexpr std::array<std::string_view, 4> secret_words = {"password", "code", "secret", "token"};

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool names_secret(std::string_view key) {
  std::string k;
  for (char c : key) k += lower(c);
  for (auto w : secret_words) {
    if (k.size() >= w.size() && k.compare(k.size() - w.size(), w.size(), w) == 0) return true;
    std::size_t start = 0;
    while (start <= k.size()) {
      auto end = k.find_first_of("_-.", start);
      if (end == std::string::npos) end = k.size();
      if (std::string_view(k).substr(start, end - start) == w) return true;
      start = end + 1;
    }
  }
  return false;
}

}  // namespace

std::optional<std::string> secret_key_in_details(std::string_view details) {
  // Walk the quoted strings; one followed by ':' is a key. Escapes are skipped, not decoded.
  for (std::size_t i = 0; i < details.size(); ++i) {
    if (details[i] != '"') continue;
    std::size_t j = i + 1;
    while (j < details.size() && details[j] != '"') j += details[j] == '\\' ? 2 : 1;
    if (j >= details.size()) return std::nullopt;
    const auto key = details.substr(i + 1, j - i - 1);
    std::size_t k = j + 1;
    while (k < details.size() && (details[k] == ' ' || details[k] == '\t')) ++k;
    if (k < details.size() && details[k] == ':' && names_secret(key)) return std::string(key);
    i = j;
  }
  return std::nullopt;
}

void assert_no_secrets(const audit_event& e) {
  if (auto key = secret_key_in_details(e.details))
    throw std::logic_error("BUG: audit event " + e.event + " puts \"" + *key +
                           "\" in its details; secrets never go in the audit trail");
}

}  // namespace sekisho::audit
