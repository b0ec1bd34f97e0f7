#include "core/password/blocklist.hpp"

#include <algorithm>
#include <vector>

// Start and end of the generated list (one entry per line), from blocklist_data.S.
extern "C" const char sekisho_password_blocklist_begin[];
extern "C" const char sekisho_password_blocklist_end[];

namespace sekisho::password {
namespace {

// Built on first use; a function-local static is initialised once even with concurrent logins.
const std::vector<std::string_view>& index() {
  static const std::vector<std::string_view> entries = [] {
    std::vector<std::string_view> v;
    const std::string_view data(sekisho_password_blocklist_begin,
                                static_cast<std::size_t>(sekisho_password_blocklist_end - sekisho_password_blocklist_begin));
    v.reserve(data.size() / 8);
    for (std::size_t pos = 0; pos < data.size();) {
      auto end = data.find('\n', pos);
      if (end == std::string_view::npos) end = data.size();
      if (end > pos) v.push_back(data.substr(pos, end - pos));
      pos = end + 1;
    }
    // The build sorts with LC_ALL=C already; sorting again costs a few ms once and removes the dependency.
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
  }();
  return entries;
}

}  // namespace

bool is_blocklisted(std::string_view normalized_lowercase) {
  const auto& v = index();
  return std::binary_search(v.begin(), v.end(), normalized_lowercase);
}

std::size_t blocklist_size() { return index().size(); }

}  // namespace sekisho::password
