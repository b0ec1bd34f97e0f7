// Time is injected so tests can move it; production uses the system clock.
#pragma once
#include <cstdint>
#include <functional>

namespace sekisho {

// Unix time in seconds.
using clock_fn = std::function<std::int64_t()>;
std::int64_t system_now();
inline clock_fn system_clock_fn() { return &system_now; }

}  // namespace sekisho
