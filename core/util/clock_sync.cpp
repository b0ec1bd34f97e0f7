#include "core/util/clock_sync.hpp"

#include <sys/timex.h>

namespace sekisho {

std::string_view to_string(clock_sync s) {
  switch (s) {
    case clock_sync::synchronised: return "synchronised";
    case clock_sync::unsynchronised: return "unsynchronised";
    case clock_sync::unknown: return "unknown";
    case clock_sync::not_checked: return "not_checked";
  }
  return "unknown";
}

clock_sync judge_clock(int rc, int status, long maxerror_us) {
  if (rc == -1) return clock_sync::unknown;
  // STA_UNSYNC: no NTP daemon has set the clock (the kernel sets it again when maxerror reaches 16 s).
  // STA_CLOCKERR: the clock hardware reported a fault.
  if ((status & (STA_UNSYNC | STA_CLOCKERR)) != 0) return clock_sync::unsynchronised;
  if (maxerror_us < 0 || maxerror_us > max_clock_error_us) return clock_sync::unsynchronised;
  return clock_sync::synchronised;
}

clock_sync system_clock_sync() {
  timex tx{};
  tx.modes = 0;
  const int rc = ::adjtimex(&tx);
  return judge_clock(rc, tx.status, tx.maxerror);
}

}  // namespace sekisho
