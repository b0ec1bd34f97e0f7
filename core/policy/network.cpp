// Strict address parsing: one spelling per IPv4 address (no octal, hex or short forms that inet_aton would
// accept), so an allow-list entry means what it looks like.
#include "core/policy/network.hpp"

#include <arpa/inet.h>

#include <cassert>
#include <cstddef>
#include <cstring>
#include <optional>

#include <netinet/in.h>

namespace sekisho {
namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// A decimal number without sign or leading zeros ("0" itself is fine), at most max.
std::optional<int> small_decimal(std::string_view s, int max) {
  if (!all_digits(s) || s.size() > 3 || (s.size() > 1 && s.front() == '0')) return std::nullopt;
  int n = 0;
  for (char c : s) n = n * 10 + (c - '0');
  if (n > max) return std::nullopt;
  return n;
}

std::optional<ip_address> parse_ipv4(std::string_view text) {
  ip_address a;
  a.bytes[10] = 0xFF;
  a.bytes[11] = 0xFF;
  for (std::size_t part = 0; part < 4; ++part) {
    const auto dot = text.find('.');
    if ((part < 3) == (dot == std::string_view::npos)) return std::nullopt;  // exactly three dots
    const auto octet = small_decimal(text.substr(0, dot), 255);
    if (!octet) return std::nullopt;
    a.bytes[12 + part] = static_cast<std::uint8_t>(*octet);
    text = part < 3 ? text.substr(dot + 1) : std::string_view{};
  }
  return a;
}

std::optional<ip_address> parse_ipv6(std::string_view text) {
  char buf[INET6_ADDRSTRLEN];
  if (text.size() >= sizeof buf) return std::nullopt;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  in6_addr raw{};
  if (::inet_pton(AF_INET6, buf, &raw) != 1) return std::nullopt;
  ip_address a;
  std::memcpy(a.bytes.data(), &raw, a.bytes.size());
  return a;
}

// The mask byte for position i of a prefix of `bits` bits.
std::uint8_t mask_byte(std::size_t i, int bits) {
  const int covered = bits - static_cast<int>(i * 8);
  if (covered >= 8) return 0xFF;
  if (covered <= 0) return 0;
  return static_cast<std::uint8_t>(0xFF00u >> covered);
}

}  // namespace

bool is_ipv4_mapped(const ip_address& a) {
  for (std::size_t i = 0; i < 10; ++i)
    if (a.bytes[i] != 0) return false;
  return a.bytes[10] == 0xFF && a.bytes[11] == 0xFF;
}

bool ip_network::contains(const ip_address& a) const {
  assert(prefix_length >= 0 && prefix_length <= 128);
  for (std::size_t i = 0; i < a.bytes.size(); ++i) {
    const auto m = mask_byte(i, prefix_length);
    if ((a.bytes[i] & m) != (base.bytes[i] & m)) return false;
  }
  return true;
}

result<ip_address> parse_ip_address(std::string_view text) {
  const bool v6 = text.find(':') != std::string_view::npos;
  auto a = v6 ? parse_ipv6(text) : parse_ipv4(text);
  if (!a) return make_error(v6 ? "not an IPv6 address" : "not an IPv4 address (a.b.c.d, decimal, no leading zeros)");
  return *a;
}

result<ip_network> parse_ip_network(std::string_view text) {
  const auto slash = text.find('/');
  auto base = parse_ip_address(text.substr(0, slash));
  if (!base) return base.err();
  ip_network n{*base, 128};
  if (slash == std::string_view::npos) return n;  // a single host

  const bool v6 = text.substr(0, slash).find(':') != std::string_view::npos;
  const auto bits = small_decimal(text.substr(slash + 1), v6 ? 128 : 32);
  if (!bits) return make_error(v6 ? "prefix length must be 0 to 128" : "prefix length must be 0 to 32");
  n.prefix_length = v6 ? *bits : 96 + *bits;
  for (std::size_t i = 0; i < n.base.bytes.size(); ++i)
    if ((n.base.bytes[i] & ~mask_byte(i, n.prefix_length) & 0xFF) != 0)
      return make_error("address has bits set beyond the prefix length");
  return n;
}

std::string to_string(const ip_address& a) {
  char buf[INET6_ADDRSTRLEN];
  if (is_ipv4_mapped(a)) {
    return std::to_string(a.bytes[12]) + "." + std::to_string(a.bytes[13]) + "." + std::to_string(a.bytes[14]) +
           "." + std::to_string(a.bytes[15]);
  }
  in6_addr raw{};
  std::memcpy(&raw, a.bytes.data(), a.bytes.size());
  if (::inet_ntop(AF_INET6, &raw, buf, sizeof buf) == nullptr) return "?";  // cannot fail with this buffer
  return buf;
}

std::string to_string(const ip_network& n) {
  if (is_ipv4_mapped(n.base) && n.prefix_length >= 96) {
    if (n.prefix_length == 128) return to_string(n.base);
    return to_string(n.base) + "/" + std::to_string(n.prefix_length - 96);
  }
  if (n.prefix_length == 128) return to_string(n.base);
  return to_string(n.base) + "/" + std::to_string(n.prefix_length);
}

}  // namespace sekisho
