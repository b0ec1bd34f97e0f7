// The least pace of a request body: how long the next read may wait, as bytes come and time is spent.
#include <doctest/doctest.h>

#include "gateway/proxy/body_pace.hpp"

using namespace sekisho::gateway;
using namespace std::chrono_literals;
using clock_type = body_pace::clock;

namespace {

const clock_type::time_point t0{};  // any time: only differences matter
constexpr auto idle = 75s;

clock_type::duration wait_allowed(const body_pace& pace, clock_type::time_point now) {
  return pace.deadline(now, idle) - now;
}

}  // namespace

TEST_CASE("without a floor every read waits up to the idle timeout, however little came") {
  body_pace pace;
  pace.waited(t0, t0 + 70s, 1);
  pace.waited(t0 + 70s, t0 + 140s, 1);
  CHECK(wait_allowed(pace, t0 + 140s) == idle);
}

TEST_CASE("a body starts with the grace, and each rate's worth of bytes buys one second more") {
  body_pace pace(1000, 10s);
  CHECK(wait_allowed(pace, t0) == 10s);
  pace.arrived(5000);  // with the head: no waiting
  CHECK(wait_allowed(pace, t0) == 15s);
  pace.waited(t0, t0 + 4s, 500);  // 4 s spent for half a second earned
  CHECK(wait_allowed(pace, t0 + 4s) == 11500ms);
}

TEST_CASE("a trickle runs out of time: one byte just inside the idle timeout is cut off") {
  body_pace pace(1024, 10s);
  auto now = t0;
  int reads = 0;
  // The attacker sends one byte each time, as late as the deadline allows, minus a little.
  while (wait_allowed(pace, now) > 1s && reads < 1000) {
    const auto later = now + std::min<clock_type::duration>(wait_allowed(pace, now) - 500ms, 74s);
    pace.waited(now, later, 1);
    now = later;
    ++reads;
  }
  CHECK(reads < 30);
  CHECK(now - t0 < 12s);  // the grace and a few bytes' worth; without the floor it would never end
}

TEST_CASE("an upload at twice the floor never comes near its deadline") {
  body_pace pace(1024, 10s);
  auto now = t0;
  for (int i = 0; i < 3600; ++i) {  // an hour at 2 KiB/s, in one-second reads
    REQUIRE(wait_allowed(pace, now) > 1s);
    pace.waited(now, now + 1s, 2048);
    now += 1s;
  }
  CHECK(wait_allowed(pace, now) == idle);  // capped: a fast body never earns more than the idle timeout
}

TEST_CASE("time spent away from the client does not count against it") {
  // Only reads are timed: writing a piece to a slow upstream between two reads costs the client nothing.
  body_pace pace(1000, 2s);
  pace.waited(t0, t0 + 1s, 1000);       // 1 s waited, 3 s earned
  const auto after_upstream = t0 + 60s;  // a minute spent writing to the upstream
  CHECK(wait_allowed(pace, after_upstream) == 2s);
}

TEST_CASE("a body behind its pace gets a read that times out at once, never a negative wait") {
  body_pace pace(1000, 1s);
  pace.waited(t0, t0 + 5s, 0);
  CHECK(wait_allowed(pace, t0 + 5s) == 0s);
}
