#include "gateway/http/client_address.hpp"

#include <doctest/doctest.h>

using namespace sekisho;
using namespace sekisho::gateway;

namespace {

ip_address ip(const char* text) { return *parse_ip_address(text); }

std::vector<ip_network> networks(std::initializer_list<const char*> list) {
  std::vector<ip_network> out;
  for (const auto* n : list) out.push_back(*parse_ip_network(n));
  return out;
}

head_fields forwarded(std::initializer_list<std::pair<const char*, const char*>> list) {
  head_fields h;
  for (const auto& [name, value] : list) h.insert(name, value);
  return h;
}

}  // namespace

TEST_CASE("an untrusted peer is the client, whatever it claims") {
  const auto h = forwarded({{"X-Forwarded-For", "10.1.1.1"}});
  CHECK(client_address(h, ip("192.0.2.9"), networks({"127.0.0.1"})) == ip("192.0.2.9"));
  CHECK(client_address(h, ip("192.0.2.9"), {}) == ip("192.0.2.9"));
}

TEST_CASE("behind a trusted proxy the client is the nearest untrusted hop") {
  const auto trusted = networks({"127.0.0.1", "10.0.0.0/8"});
  CHECK(client_address(forwarded({{"X-Forwarded-For", "198.51.100.7"}}), ip("127.0.0.1"), trusted) == ip("198.51.100.7"));
  // A client's own spoofed entry on the left is skipped: the proxies' entries on the right are believed.
  CHECK(client_address(forwarded({{"X-Forwarded-For", "6.6.6.6, 198.51.100.7, 10.2.3.4"}}), ip("127.0.0.1"), trusted) ==
        ip("198.51.100.7"));
  // Several fields are one list, in order.
  CHECK(client_address(forwarded({{"X-Forwarded-For", "6.6.6.6"}, {"X-Forwarded-For", "198.51.100.8, 10.0.0.1"}}),
                       ip("127.0.0.1"), trusted) == ip("198.51.100.8"));
  // Every hop trusted: the oldest.
  CHECK(client_address(forwarded({{"X-Forwarded-For", "10.9.9.9, 10.0.0.1"}}), ip("127.0.0.1"), trusted) == ip("10.9.9.9"));
}

TEST_CASE("garbage ends the walk; the address to its right stands") {
  const auto trusted = networks({"127.0.0.1", "10.0.0.0/8"});
  CHECK(client_address(forwarded({{"X-Forwarded-For", "198.51.100.7, unknown, 10.0.0.5"}}), ip("127.0.0.1"), trusted) ==
        ip("10.0.0.5"));
  CHECK(client_address(forwarded({{"X-Forwarded-For", "not-an-address"}}), ip("127.0.0.1"), trusted) == ip("127.0.0.1"));
  CHECK(client_address(forwarded({}), ip("127.0.0.1"), trusted) == ip("127.0.0.1"));
}

TEST_CASE("only the real spelling is read: X_Forwarded_For could come from anyone behind the proxy") {
  const auto trusted = networks({"127.0.0.1"});
  CHECK(client_address(forwarded({{"X_Forwarded_For", "198.51.100.7"}}), ip("127.0.0.1"), trusted) == ip("127.0.0.1"));
  CHECK(client_address(forwarded({{"x-forwarded-for", "198.51.100.7"}}), ip("127.0.0.1"), trusted) == ip("198.51.100.7"));
}
