#include "core/notify/service_notify.hpp"

#include <systemd/sd-daemon.h>
#include <time.h>

#include <algorithm>
#include <string>

namespace sekisho::service_notify {

void ready() { sd_notify(0, "READY=1"); }

void reloading() {
  // MONOTONIC_USEC lets systemd 253+ (Type=notify-reload) tell this reload from an earlier one.
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  const auto usec = static_cast<unsigned long long>(now.tv_sec) * 1000000ULL +
                    static_cast<unsigned long long>(now.tv_nsec) / 1000ULL;
  sd_notify(0, ("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec)).c_str());
}

void stopping() { sd_notify(0, "STOPPING=1"); }

std::chrono::seconds watchdog_interval() {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::chrono::seconds(0);
  return std::max(std::chrono::seconds(1),
                  std::chrono::duration_cast<std::chrono::seconds>(std::chrono::microseconds(usec / 2)));
}

void watchdog() { sd_notify(0, "WATCHDOG=1"); }

}  // namespace sekisho::service_notify
