#include "core/util/utf8.hpp"

#include <cstddef>

namespace sekisho {

bool valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (n - i < len) return false;
    if (p[i + 1] < lo || p[i + 1] > hi) return false;
    for (std::size_t k = 2; k < len; ++k)
      if (p[i + k] < 0x80 || p[i + k] > 0xBF) return false;
    i += len;
  }
  return true;
}

namespace {

bool hidden_or_control(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp < 0xA0) ||       // C0, DEL, C1
         cp == 0x200E || cp == 0x200F ||                   // LRM, RLM
         (cp >= 0x2028 && cp <= 0x202E) ||                 // line/paragraph separators, bidi embeddings
         (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF;  // bidi isolates, BOM
}

}  // namespace

bool printable_label(std::string_view s, std::size_t max_chars) {
  if (!valid_utf8(s)) return false;
  std::size_t chars = 0;
  bool visible = false;
  for (std::size_t i = 0; i < s.size(); ++chars) {
    const auto lead = static_cast<unsigned char>(s[i]);
    const std::size_t len = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    char32_t cp = len == 1 ? lead : len == 2 ? (lead & 0x1Fu) : len == 3 ? (lead & 0x0Fu) : (lead & 0x07u);
    for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
    i += len;
    if (hidden_or_control(cp)) return false;
    if (cp != U' ' && cp != U'\u3000') visible = true;
  }
  return visible && chars <= max_chars;
}

}  // namespace sekisho
