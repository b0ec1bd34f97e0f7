// IP addresses and CIDR networks for policy rules and trusted proxies. IPv4-mapped IPv6 addresses
// (::ffff:a.b.c.d, what a dual-stack socket reports) match IPv4 networks.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/util/result.hpp"

namespace sekisho {

struct ip_address {
  std::array<std::uint8_t, 16> bytes{};  // IPv4 stored as IPv4-mapped IPv6
  bool operator==(const ip_address&) const = default;
};

struct ip_network {
  ip_address base;
  int prefix_length = 128;  // in the 128-bit space (an IPv4 /8 is 104)
  bool contains(const ip_address& a) const;
};

result<ip_address> parse_ip_address(std::string_view text);
bool is_ipv4_mapped(const ip_address& a);  // an IPv4 address, stored as ::ffff:a.b.c.d
// "10.0.0.0/8", "fd00::/8", or a single address. Host bits set beyond the prefix are an error.
result<ip_network> parse_ip_network(std::string_view text);
std::string to_string(const ip_address& a);  // IPv4 in dotted form
std::string to_string(const ip_network& n);  // "10.0.0.0/8", "fd00::/8"; a single host without the length

}  // namespace sekisho
