#include "core/policy/windows_path.hpp"

#include <cstddef>

namespace sekisho {
namespace {

bool ends_in_dot_or_space(std::string_view segment) {
  return segment.ends_with('.') || segment.ends_with("%20");
}

// normalize_target writes escapes with upper-case hex.
bool has_colon(std::string_view segment) {
  return segment.find(':') != std::string_view::npos || segment.find("%3A") != std::string_view::npos;
}

bool has_short_name(std::string_view segment) {
  for (std::size_t i = segment.find('~'); i != std::string_view::npos; i = segment.find('~', i + 1))
    if (i + 1 < segment.size() && segment[i + 1] >= '0' && segment[i + 1] <= '9') return true;
  return false;
}

}  // namespace

std::string_view windows_alias(std::string_view path) {
  std::size_t start = 0;
  while (start < path.size()) {
    const auto end = path.find('/', start);
    const auto segment = path.substr(start, end == std::string_view::npos ? end : end - start);
    // Path parameters are not part of a Windows name; the name is what precedes them.
    const auto name = segment.substr(0, segment.find(';'));
    if (ends_in_dot_or_space(name) || ends_in_dot_or_space(segment))
      return "a name ending in a dot or a space";
    if (has_colon(segment)) return "a ':' in a name (an alternate data stream)";
    if (has_short_name(name)) return "an 8.3 short name ('~' and a digit)";
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return {};
}

}  // namespace sekisho
