// Times as people read them on pages and in the CLI: local time to the minute.
#pragma once
#include <cstdint>
#include <string>

namespace sekisho {

// "2026-12-01 09:30" in the machine's time zone.
std::string local_minute(std::int64_t seconds_since_epoch);

}  // namespace sekisho
