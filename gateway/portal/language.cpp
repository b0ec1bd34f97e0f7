#include "gateway/portal/language.hpp"

#include "gateway/http/header_names.hpp"

namespace sekisho::gateway {
namespace {

// q=0 means "not this one" (RFC 9110 §12.5.4); anything else counts as acceptable.
bool refused(std::string_view params) {
  const auto q = params.find("q=");
  if (q == std::string_view::npos) return false;
  const auto value = trim_whitespace(params.substr(q + 2));
  return value.find_first_not_of("0.") == std::string_view::npos;
}

bool is(std::string_view tag, std::string_view code) {
  return tag.size() >= code.size() && same_header(tag.substr(0, code.size()), code) &&
         (tag.size() == code.size() || tag[code.size()] == '-');
}

}  // namespace

language choose_language(std::string_view choice, std::string_view accept_language) {
  if (choice == "en") return language::en;
  if (choice == "ja") return language::ja;
  // The first of ja or en the browser lists (in its order of preference, which browsers send sorted).
  for (auto item : split_list(accept_language)) {
    const auto semi = item.find(';');
    const auto tag = trim_whitespace(item.substr(0, semi));
    if (semi != std::string_view::npos && refused(item.substr(semi))) continue;
    if (is(tag, "ja")) return language::ja;
    if (is(tag, "en")) return language::en;
  }
  return language::ja;
}

std::string_view code_of(language l) { return l == language::en ? "en" : "ja"; }

}  // namespace sekisho::gateway
