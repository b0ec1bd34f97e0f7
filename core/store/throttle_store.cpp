#include "core/store/throttle_store.hpp"

namespace sekisho::store {

std::optional<throttle_row> get_throttle(database& db, std::string_view key) {
  auto st = db.prepare("SELECT failures, last_failure_at FROM throttle WHERE key = ?");
  st.bind(1, key);
  if (!st.step()) return std::nullopt;
  return throttle_row{static_cast<int>(st.column_int(0)), st.column_int(1)};
}

int add_failure(database& db, std::string_view key, std::int64_t now) {
  auto st = db.prepare(
      "INSERT INTO throttle(key, failures, last_failure_at) VALUES(?1, 1, ?2) "
      "ON CONFLICT(key) DO UPDATE SET failures = failures + 1, last_failure_at = ?2 RETURNING failures");
  st.bind(1, key).bind(2, now);
  st.step();
  int n = static_cast<int>(st.column_int(0));
  st.run();
  return n;
}

void clear_throttle(database& db, std::string_view key) {
  auto st = db.prepare("DELETE FROM throttle WHERE key = ?");
  st.bind(1, key).run();
}

void forget_sources_before(database& db, std::int64_t cutoff) {
  auto st = db.prepare("DELETE FROM throttle WHERE key LIKE 'addr:%' AND last_failure_at < ?");
  st.bind(1, cutoff).run();
}

}  // namespace sekisho::store
