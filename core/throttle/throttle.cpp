#include "core/throttle/throttle.hpp"

#include <algorithm>

#include "core/store/throttle_store.hpp"

namespace sekisho::throttle {

std::string user_key(std::string_view user_name) { return "user:" + std::string(user_name); }
std::string source_key(std::string_view source) { return "addr:" + std::string(source); }

std::chrono::seconds delay_after(int failures, int free_failures, const throttle_config& c) {
  if (failures <= free_failures) return std::chrono::seconds(0);
  const int doublings = std::min(failures - free_failures - 1, 30);
  const auto d = c.base_delay.count() * (std::int64_t{1} << doublings);
  return std::chrono::seconds(std::min<std::int64_t>(d, c.max_delay.count()));
}

bool throttle::is_stale(const store::throttle_row& row, std::int64_t now) const {
  return now - row.last_failure_at >= c_.forget_after.count();
}

std::int64_t throttle::wait_for(store::database& db, const std::string& key, int free_failures, bool forgets,
                                std::int64_t now, int* failures) const {
  auto row = store::get_throttle(db, key);
  if (!row || (forgets && is_stale(*row, now))) {
    *failures = 0;
    return 0;
  }
  *failures = row->failures;
  const auto until = row->last_failure_at + delay_after(row->failures, free_failures, c_).count();
  return std::max<std::int64_t>(0, until - now);
}

verdict throttle::check(store::database& db, std::string_view user_name, std::string_view source,
                        std::int64_t now) const {
  int user_failures = 0, source_failures = 0;
  const auto user_wait = wait_for(db, user_key(user_name), c_.free_failures, false, now, &user_failures);
  if (is_locked(user_failures)) return {false, true, 0};
  const auto source_wait =
      source.empty() ? 0 : wait_for(db, source_key(source), c_.source_free_failures, true, now, &source_failures);
  const auto wait = std::max(user_wait, source_wait);
  return {wait == 0, false, wait};
}

int throttle::record_failure(store::database& db, std::string_view user_name, std::string_view source,
                             std::int64_t now) const {
  if (!source.empty()) {
    const auto key = source_key(source);
    if (auto row = store::get_throttle(db, key); row && is_stale(*row, now)) store::clear_throttle(db, key);
    store::add_failure(db, key, now);
  }
  return store::add_failure(db, user_key(user_name), now);
}

void throttle::record_success(store::database& db, std::string_view user_name) const {
  store::clear_throttle(db, user_key(user_name));
}

void throttle::unlock(store::database& db, std::string_view user_name) const {
  store::clear_throttle(db, user_key(user_name));
}

void throttle::forget_old(store::database& db, std::int64_t now) const {
  store::forget_sources_before(db, now - c_.forget_after.count());
}

}  // namespace sekisho::throttle
