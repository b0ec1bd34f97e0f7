// Slows down guessing. Each consecutive failure past a free allowance doubles the wait before
// the next attempt, per user name and per source address. Delays rather than locks, so an
// attacker cannot shut the only admin out; only after lock_after consecutive failures (NIST
// SP 800-63B-4 caps it at 100, reached after about a day of maximum delays) is the name locked
// until `sekisho user unlock`. A user's count ends only with a successful login or an unlock
// (NIST counts consecutive failures); an address's count is forgotten after forget_after.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/config/config.hpp"
#include "core/store/database.hpp"
#include "core/store/throttle_store.hpp"

namespace sekisho::throttle {

struct verdict {
  bool allowed = true;
  bool locked = false;         // lock_after reached for this name
  std::int64_t retry_after = 0;  // seconds until the next attempt may be made
};

std::string user_key(std::string_view user_name);
std::string source_key(std::string_view source);

// The wait after `failures` consecutive failures, given `free_failures` that cost nothing.
std::chrono::seconds delay_after(int failures, int free_failures, const throttle_config& c);

class throttle {
 public:
  explicit throttle(const throttle_config& c) : c_(c) {}

  // May this name try now, from this source? Does not count anything.
  verdict check(store::database& db, std::string_view user_name, std::string_view source,
                std::int64_t now) const;
  // Counts a failure for both; returns the user's consecutive failure count.
  int record_failure(store::database& db, std::string_view user_name, std::string_view source,
                     std::int64_t now) const;
  // A full login succeeded: the user's counter starts again. The source's stays, so one
  // attacker's own account cannot wash the address clean.
  void record_success(store::database& db, std::string_view user_name) const;
  void unlock(store::database& db, std::string_view user_name) const;
  // Deletes address counts older than forget_after (check already ignores them); authd runs it hourly.
  void forget_old(store::database& db, std::int64_t now) const;
  bool is_locked(int failures) const { return failures >= c_.lock_after; }

 private:
  bool is_stale(const store::throttle_row& row, std::int64_t now) const;
  std::int64_t wait_for(store::database& db, const std::string& key, int free_failures, bool forgets,
                        std::int64_t now, int* failures) const;
  throttle_config c_;
};

}  // namespace sekisho::throttle
