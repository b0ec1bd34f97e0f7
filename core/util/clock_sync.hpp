// Whether the kernel says the system clock is synchronised (by NTP: chrony, ntpd, systemd-timesyncd). TOTP codes
// are only as right as the clock, so authd warns at start, in the audit trail and in /.sekisho/health.
#pragma once
#include <string_view>

namespace sekisho {

enum class clock_sync {
  synchronised,
  unsynchronised,  // no NTP daemon disciplines the clock, or its error bound is too large
  unknown,         // the kernel would not say (adjtimex failed, e.g. a seccomp filter without it)
  not_checked,     // authd.clock_check = false
};
std::string_view to_string(clock_sync s);

// The largest error bound the kernel may report for a clock that counts as synchronised. Codes change every 30 s;
// a few seconds' doubt already moves logins across a step boundary. A disciplined clock reports well under 1 s.
inline constexpr long max_clock_error_us = 5'000'000;

// The decision alone, from what adjtimex(2) returned: `rc` (-1 on failure), timex.status and timex.maxerror (µs).
clock_sync judge_clock(int rc, int status, long maxerror_us);

// Asks the kernel (adjtimex with modes 0: reads only, needs no privilege).
clock_sync system_clock_sync();

}  // namespace sekisho
