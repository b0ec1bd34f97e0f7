#include "core/policy/network.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace sekisho;

namespace {

ip_address ip(const std::string& text) {
  auto a = parse_ip_address(text);
  INFO(text);
  REQUIRE(a.ok());
  return *a;
}

ip_network net(const std::string& text) {
  auto n = parse_ip_network(text);
  INFO(text, ": ", (n.ok() ? std::string() : n.message()));
  REQUIRE(n.ok());
  return *n;
}

}  // namespace

TEST_CASE("IPv4 addresses have exactly one spelling") {
  const auto a = ip("192.168.1.10");
  const std::array<std::uint8_t, 16> mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 192, 168, 1, 10};
  CHECK(a.bytes == mapped);
  CHECK(to_string(ip("0.0.0.0")) == "0.0.0.0");
  CHECK(to_string(ip("255.255.255.255")) == "255.255.255.255");
  // inet_aton would take several of these as some other address (octal, hex, short forms).
  for (const char* bad : {"010.1.1.1", "1.2.3.04", "0177.0.0.1", "0x7f.0.0.1", "2130706433", "127.1", "1.2.3",
                          "1.2.3.4.5", "256.1.1.1", "1.2.3.4 ", " 1.2.3.4", "", "1..2.3", "1.2.3.", ".1.2.3",
                          "+1.2.3.4", "-1.2.3.4", "1e1.1.1.1", "1.2.3.4/32", "0000.0.0.0", "a.b.c.d"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_ip_address(bad).ok());
  }
}

TEST_CASE("IPv6 addresses, with IPv4-mapped ones equal to their IPv4 form") {
  CHECK(ip("::ffff:10.1.2.3") == ip("10.1.2.3"));
  CHECK(ip("::FFFF:a01:203") == ip("10.1.2.3"));
  CHECK(to_string(ip("::ffff:10.1.2.3")) == "10.1.2.3");
  CHECK(to_string(ip("FD00:0::1")) == "fd00::1");
  CHECK(to_string(ip("::")) == "::");
  CHECK(to_string(ip("::1")) == "::1");
  CHECK_FALSE(ip("::a00:1") == ip("10.0.0.1"));  // IPv4-compatible (deprecated) is not IPv4
  for (const char* bad : {"fe80::1%eth0", ":::", "1:2:3:4:5:6:7:8:9", "[::1]", "::g", "::ffff:010.1.2.3",
                          "1::2::3", "::1 ", "fd00::/8"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_ip_address(bad).ok());
  }
}

TEST_CASE("IPv4 networks live in the mapped part of the IPv6 space") {
  const auto all_v4 = net("0.0.0.0/0");
  CHECK(all_v4.prefix_length == 96);
  CHECK(all_v4.contains(ip("1.2.3.4")));
  CHECK(all_v4.contains(ip("255.255.255.255")));
  CHECK(all_v4.contains(ip("::ffff:8.8.8.8")));
  CHECK_FALSE(all_v4.contains(ip("::1")));  // IPv6 does not match an IPv4 network
  CHECK_FALSE(all_v4.contains(ip("fd00::1")));
  CHECK_FALSE(all_v4.contains(ip("::")));

  const auto ten = net("10.0.0.0/8");
  CHECK(ten.prefix_length == 104);
  CHECK(ten.contains(ip("10.255.255.255")));
  CHECK(ten.contains(ip("::ffff:10.9.9.9")));  // what a dual-stack socket reports
  CHECK_FALSE(ten.contains(ip("11.0.0.0")));
  CHECK_FALSE(ten.contains(ip("9.255.255.255")));
  CHECK_FALSE(ten.contains(ip("::a00:1")));

  const auto half = net("10.0.0.128/25");
  CHECK(half.contains(ip("10.0.0.200")));
  CHECK_FALSE(half.contains(ip("10.0.0.127")));

  const auto host = net("192.168.1.7/32");
  CHECK(host.prefix_length == 128);
  CHECK(host.contains(ip("192.168.1.7")));
  CHECK_FALSE(host.contains(ip("192.168.1.6")));
  CHECK_FALSE(host.contains(ip("192.168.1.8")));
  CHECK(net("192.168.1.7").prefix_length == 128);  // a bare address is a host route
  CHECK(net("192.168.1.7").contains(ip("::ffff:192.168.1.7")));
  CHECK(net("::ffff:10.0.0.0/104").contains(ip("10.1.1.1")));
}

TEST_CASE("IPv6 networks from /0 to /128") {
  const auto all = net("::/0");
  CHECK(all.prefix_length == 0);
  CHECK(all.contains(ip("::1")));
  CHECK(all.contains(ip("1.2.3.4")));  // every address, IPv4 included
  const auto loopback = net("::1/128");
  CHECK(loopback.contains(ip("::1")));
  CHECK_FALSE(loopback.contains(ip("::2")));
  CHECK(net("::1").prefix_length == 128);
  CHECK(net("::1").base == loopback.base);
  const auto ula = net("fd00::/8");
  CHECK(ula.contains(ip("fd12:3456::1")));
  CHECK_FALSE(ula.contains(ip("fe00::1")));
  CHECK_FALSE(ula.contains(ip("fc00::1")));
  const auto odd = net("2001:db8::/33");
  CHECK(odd.contains(ip("2001:db8:7fff::1")));
  CHECK_FALSE(odd.contains(ip("2001:db8:8000::1")));
}

TEST_CASE("malformed networks and host bits beyond the prefix are refused") {
  for (const char* bad : {"10.0.0.1/8", "10.0.0.0/33", "::/129", "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0/08",
                          "10.0.0.0/ 8", "/8", "10.0.0.0/8/8", "fd00::1/8", "10.0.0.0/8x", "10.0.0.0/+8", "",
                          "/", "10.0.0.0/1000", "fd00::/0129", "10.0.0.128/24", "0.0.0.1/0", "::1/0"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_ip_network(bad).ok());
  }
}

TEST_CASE("networks print in the form they are written") {
  for (const char* text : {"10.0.0.0/8", "0.0.0.0/0", "192.168.1.7", "fd00::/8", "::/0", "::1", "2001:db8::/33"}) {
    CHECK(to_string(net(text)) == text);
  }
  CHECK(to_string(net("192.168.1.7/32")) == "192.168.1.7");
  CHECK(to_string(net("::ffff:10.0.0.0/104")) == "10.0.0.0/8");
}
