#include "core/util/secret.hpp"

#include <doctest/doctest.h>

#include "core/util/duration.hpp"
#include "core/util/random.hpp"

using namespace sekisho;

TEST_CASE("constant-time equality gives the same answers as ==") {
  CHECK(equal_constant_time("123456", "123456"));
  CHECK_FALSE(equal_constant_time("123456", "123457"));
  CHECK_FALSE(equal_constant_time("12345", "123456"));
  CHECK(equal_constant_time("", ""));
}

TEST_CASE("a moved-from secret is empty and the moved-to one holds the value") {
  secret a("correct horse battery staple");
  secret b(std::move(a));
  CHECK(b.view() == "correct horse battery staple");
  CHECK(a.empty());  // NOLINT: checking the moved-from state is the point
}

TEST_CASE("random tokens are unique and of the requested strength") {
  auto a = random_token(32), b = random_token(32);
  CHECK(a != b);
  CHECK(a.size() == 43);  // 256 bits in base64url
  for (int i = 0; i < 1000; ++i) CHECK(random_below(10) < 10);
}

TEST_CASE("durations parse units and refuse junk") {
  CHECK(parse_duration("30s")->count() == 30);
  CHECK(parse_duration("15m")->count() == 900);
  CHECK(parse_duration("12h")->count() == 43200);
  CHECK(parse_duration("7d")->count() == 604800);
  for (auto bad : {"", "15", "m", "-5m", "5 m", "5x", "1.5h", "99999999999d"}) CHECK_FALSE(parse_duration(bad).ok());
}
