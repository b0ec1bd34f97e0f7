// Failure counters keyed by "user:NAME" or "addr:ADDRESS". Names that are not accounts get
// counters too, so throttling reveals nothing about which accounts exist.
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/store/database.hpp"

namespace sekisho::store {

struct throttle_row {
  int failures = 0;
  std::int64_t last_failure_at = 0;
};

std::optional<throttle_row> get_throttle(database& db, std::string_view key);
// Adds one failure atomically and returns the new count.
int add_failure(database& db, std::string_view key, std::int64_t now);
void clear_throttle(database& db, std::string_view key);
// Drops source-address counters whose last failure is before `cutoff`.
void forget_sources_before(database& db, std::int64_t cutoff);

}  // namespace sekisho::store
