// Arbitrary bytes as an upstream's HTML page, cut into pieces where the input says: the place found for the
// break-glass banner must not depend on how the page was cut (the network decides that), and must be just
// after a '>' that ends a <body …> tag. Aborts otherwise.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "gateway/http/html_banner.hpp"

namespace {

using sekisho::gateway::body_tag_finder;

std::optional<std::size_t> place(std::string_view doc, std::size_t piece) {
  body_tag_finder f;
  for (std::size_t at = 0; at < doc.size(); at += piece)
    if (auto found = f.feed(doc.substr(at, piece))) return at + *found;
  return std::nullopt;
}

bool lower_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const char c = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (c != b[i]) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::size_t piece = 1 + data[0] % 64;
  const std::string_view doc(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto whole = place(doc, doc.size() + 1);
  if (place(doc, piece) != whole) std::abort();
  if (whole) {
    // Just after a '>' that closes "<body" + separator, with no other '>' in between.
    const std::size_t end = *whole - 1;
    if (*whole > doc.size() || doc[end] != '>') std::abort();
    bool tag = false;
    for (std::size_t p = 0; p + 5 <= end && !tag; ++p) {
      if (!lower_equal(doc.substr(p, 5), "<body")) continue;
      const char sep = doc[p + 5];
      if (sep != '>' && sep != '/' && sep != ' ' && sep != '\t' && sep != '\n' && sep != '\r' && sep != '\f') continue;
      tag = doc.substr(p + 5, end - (p + 5)).find('>') == std::string_view::npos;
    }
    if (!tag) std::abort();
  }
  return 0;
}
