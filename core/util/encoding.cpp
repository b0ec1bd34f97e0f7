#include "core/util/encoding.hpp"

#include <array>
#include <cstdint>

namespace sekisho {
namespace {

constexpr std::string_view hex_digits = "0123456789abcdef";
constexpr std::string_view b64url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::string_view b32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

// Decodes a radix-2^bits alphabet: bits per symbol, `lookup` maps a symbol or returns -1.
template <class Lookup>
std::optional<std::string> decode_bits(std::string_view text, int bits, Lookup lookup) {
  std::string out;
  std::uint32_t acc = 0;
  int have = 0;
  for (char c : text) {
    int v = lookup(c);
    if (v == -2) continue;  // ignorable
    if (v < 0) return std::nullopt;
    acc = (acc << bits) | static_cast<std::uint32_t>(v);
    have += bits;
    if (have >= 8) {
      have -= 8;
      out.push_back(static_cast<char>((acc >> have) & 0xFF));
    }
  }
  // Leftover bits must be zero padding, fewer than one symbol's worth.
  if (have >= bits || (acc & ((1u << have) - 1)) != 0) return std::nullopt;
  return out;
}

std::string encode_bits(std::string_view bytes, int bits, std::string_view alphabet) {
  std::string out;
  std::uint32_t acc = 0;
  int have = 0;
  const std::uint32_t mask = (1u << bits) - 1;
  for (unsigned char c : bytes) {
    acc = (acc << 8) | c;
    have += 8;
    while (have >= bits) {
      have -= bits;
      out.push_back(alphabet[(acc >> have) & mask]);
    }
  }
  if (have > 0) out.push_back(alphabet[(acc << (bits - have)) & mask]);
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+' && plus_is_space) {
      out.push_back(' ');
    } else if (text[i] != '%') {
      out.push_back(text[i]);
    } else {
      if (i + 2 >= text.size()) return std::nullopt;
      const int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    }
  }
  return out;
}

std::string hex_encode(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(hex_digits[c >> 4]);
    out.push_back(hex_digits[c & 15]);
  }
  return out;
}

std::optional<std::string> hex_decode(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    int hi = hex_value(text[i]), lo = hex_value(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

std::string base64url_encode(std::string_view bytes) { return encode_bits(bytes, 6, b64url); }

std::optional<std::string> base64url_decode(std::string_view text) {
  return decode_bits(text, 6, [](char c) -> int {
    auto p = b64url.find(c);
    return p == std::string_view::npos ? -1 : static_cast<int>(p);
  });
}

std::string base32_encode(std::string_view bytes) { return encode_bits(bytes, 5, b32); }

std::optional<std::string> base32_decode(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  return decode_bits(text, 5, [](char c) -> int {
    if (c == ' ') return -2;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    auto p = b32.find(c);
    return p == std::string_view::npos ? -1 : static_cast<int>(p);
  });
}

std::string percent_encode(std::string_view text, std::string_view also_keep) {
  constexpr std::string_view hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                            c == '.' || c == '_' || c == '~';
    if (unreserved || (c != 0 && also_keep.find(static_cast<char>(c)) != std::string_view::npos)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

}  // namespace sekisho
