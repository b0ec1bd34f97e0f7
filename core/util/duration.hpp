// Durations in config files are strings such as "30s", "15m", "12h", "7d".
#pragma once
#include <chrono>
#include <string_view>

#include "core/util/result.hpp"

namespace sekisho {

result<std::chrono::seconds> parse_duration(std::string_view text);

}  // namespace sekisho
