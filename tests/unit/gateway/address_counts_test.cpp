#include "gateway/server/address_counts.hpp"

#include <doctest/doctest.h>

using namespace sekisho;
using namespace sekisho::gateway;

namespace {

ip_address ip(const char* text) { return *parse_ip_address(text); }

}  // namespace

TEST_CASE("each address is counted on its own, and forgotten when its last connection closes") {
  address_counts counts;
  CHECK(counts.add(ip("192.0.2.1")) == 1);
  CHECK(counts.add(ip("192.0.2.1")) == 2);
  CHECK(counts.add(ip("192.0.2.2")) == 1);  // a neighbour is another machine
  CHECK(counts.addresses() == 2);
  counts.remove(ip("192.0.2.1"));
  CHECK(counts.add(ip("192.0.2.1")) == 2);
  counts.remove(ip("192.0.2.1"));
  counts.remove(ip("192.0.2.1"));
  counts.remove(ip("192.0.2.2"));
  CHECK(counts.addresses() == 0);  // a flood of passing addresses leaves no table behind
}

TEST_CASE("a dual-stack socket's IPv4-mapped form is the same machine as its IPv4 form") {
  address_counts counts;
  CHECK(counts.add(ip("192.0.2.1")) == 1);
  CHECK(counts.add(ip("::ffff:192.0.2.1")) == 2);
}

TEST_CASE("IPv6 clients are counted per /64, so new addresses from one block do not escape the cap") {
  address_counts counts;
  CHECK(counts.add(ip("2001:db8:1:2::1")) == 1);
  CHECK(counts.add(ip("2001:db8:1:2:ffff:ffff:ffff:ffff")) == 2);
  CHECK(counts.add(ip("2001:db8:1:3::1")) == 1);  // the next /64 is another host
  CHECK(counts.addresses() == 2);
}

TEST_CASE("removing an address that was never counted changes nothing") {
  address_counts counts;
  CHECK(counts.add(ip("192.0.2.1")) == 1);
  counts.remove(ip("192.0.2.9"));
  CHECK(counts.add(ip("192.0.2.1")) == 2);
  CHECK(counts.addresses() == 1);
}
