// The clock decision from what adjtimex(2) reports: synchronised only when no NTP daemon flag says otherwise and
// the kernel's error bound is small enough for 30-second TOTP steps.
#include "core/util/clock_sync.hpp"

#include <sys/timex.h>

#include <doctest/doctest.h>

using sekisho::clock_sync;
using sekisho::judge_clock;

TEST_CASE("judge_clock: a disciplined clock with a small error bound is synchronised") {
  CHECK(judge_clock(TIME_OK, STA_PLL, 12'000) == clock_sync::synchronised);
  CHECK(judge_clock(TIME_OK, 0, 0) == clock_sync::synchronised);
  // Leap-second states are still a synchronised clock.
  CHECK(judge_clock(TIME_INS, STA_PLL | STA_INS, 12'000) == clock_sync::synchronised);
  CHECK(judge_clock(TIME_OK, STA_PLL, sekisho::max_clock_error_us) == clock_sync::synchronised);
}

TEST_CASE("judge_clock: STA_UNSYNC, STA_CLOCKERR or a large error bound is unsynchronised") {
  // What a box without an NTP daemon reports (and this test machine, in a container): 0x40, 16 s.
  CHECK(judge_clock(TIME_ERROR, STA_UNSYNC, 16'000'000) == clock_sync::unsynchronised);
  CHECK(judge_clock(TIME_OK, STA_PLL | STA_UNSYNC, 1'000) == clock_sync::unsynchronised);
  CHECK(judge_clock(TIME_OK, STA_CLOCKERR, 1'000) == clock_sync::unsynchronised);
  CHECK(judge_clock(TIME_OK, STA_PLL, sekisho::max_clock_error_us + 1) == clock_sync::unsynchronised);
  CHECK(judge_clock(TIME_OK, STA_PLL, -1) == clock_sync::unsynchronised);
}

TEST_CASE("judge_clock: a failed adjtimex (e.g. refused by a seccomp filter) is unknown") {
  CHECK(judge_clock(-1, 0, 0) == clock_sync::unknown);
  CHECK(to_string(clock_sync::unknown) == "unknown");
  CHECK(to_string(clock_sync::not_checked) == "not_checked");
}

TEST_CASE("system_clock_sync asks the kernel without failing") {
  const auto s = sekisho::system_clock_sync();
  CHECK((s == clock_sync::synchronised || s == clock_sync::unsynchronised || s == clock_sync::unknown));
}
