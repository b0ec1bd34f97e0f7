#include "core/audit/audit_head_log.hpp"

#include <doctest/doctest.h>

#include <vector>

using namespace sekisho;
using namespace sekisho::audit;

namespace {

std::string repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

}  // namespace

TEST_CASE("a head line round-trips, also when copied from the journal") {
  const std::string hash(32, '\xab');
  const auto hex = repeat("ab", 32);
  const auto line = format_head_line(1234, hash);
  CHECK(line == "sekisho audit head seq=1234 hash=" + hex);
  for (const std::string& copied : {line, "Nov 25 15:04:05 gate sekisho[812]: " + line, "seq=1234 hash=" + hex,
                                    "seq=1234,hash=" + hex, "seq=1234 hash=" + repeat("AB", 32)}) {
    CAPTURE(copied);
    auto parsed = parse_head_line(copied);
    REQUIRE(parsed);
    CHECK(parsed->first == 1234);
    CHECK(parsed->second == hex);
  }
}

TEST_CASE("a malformed head line is refused with a reason") {
  const std::string hex(64, '0');
  for (const std::string& bad : std::vector<std::string>{"", "seq=12", "hash=" + hex, "seq=x hash=" + hex, "seq=0 hash=" + hex,
                                 "seq=-4 hash=" + hex, "seq=12 hash=abc", "seq=12 hash=" + hex.substr(2),
                                 "seq=12x hash=" + hex, "prev_seq=12 hash=" + hex}) {
    CAPTURE(bad);
    auto r = parse_head_line(bad);
    CHECK_FALSE(r);
    CHECK_FALSE(r.message().empty());
  }
}
