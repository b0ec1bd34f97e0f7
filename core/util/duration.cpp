#include "core/util/duration.hpp"

#include <charconv>
#include <string>

namespace sekisho {

result<std::chrono::seconds> parse_duration(std::string_view text) {
  const auto bad = [&] {
    return make_error("'" + std::string(text) + "' is not a duration (use e.g. \"30s\", \"15m\", \"12h\", \"7d\")");
  };
  if (text.size() < 2 || text.size() > 12) return bad();
  long long n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size() - 1, n);
  if (ec != std::errc{} || end != text.data() + text.size() - 1 || n < 0) return bad();
  long long unit = 0;
  switch (text.back()) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = 86400; break;
    default: return bad();
  }
  if (n > 3650LL * 86400 / unit) return bad();  // ten years is beyond any sane timeout
  return std::chrono::seconds(n * unit);
}

}  // namespace sekisho
