#include "core/util/clock.hpp"

#include <chrono>

namespace sekisho {

std::int64_t system_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace sekisho
