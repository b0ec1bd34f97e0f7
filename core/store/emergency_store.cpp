#include "core/store/emergency_store.hpp"

namespace sekisho::store {

void replace_emergency_code(database& db, std::int64_t user_id, std::string_view code_hash, std::int64_t now) {
  auto st = db.prepare("INSERT OR REPLACE INTO emergency_codes(user_id, code_hash, issued_at) VALUES(?, ?, ?)");
  st.bind(1, user_id).bind(2, code_hash).bind(3, now).run();
}

std::optional<std::string> unused_emergency_code(database& db, std::int64_t user_id) {
  auto st = db.prepare("SELECT code_hash FROM emergency_codes WHERE user_id = ? AND used_at IS NULL");
  st.bind(1, user_id);
  if (!st.step()) return std::nullopt;
  return st.column_text(0);
}

bool spend_emergency_code(database& db, std::int64_t user_id, std::int64_t now) {
  auto st = db.prepare("UPDATE emergency_codes SET used_at = ? WHERE user_id = ? AND used_at IS NULL");
  st.bind(1, now).bind(2, user_id).run();
  return db.changes() == 1;
}

bool delete_emergency_code(database& db, std::int64_t user_id) {
  auto st = db.prepare("DELETE FROM emergency_codes WHERE user_id = ?");
  st.bind(1, user_id).run();
  return db.changes() == 1;
}

std::vector<emergency_listing> list_emergency_codes(database& db) {
  auto st = db.prepare(
      "SELECT u.name, e.issued_at, e.used_at FROM emergency_codes e JOIN users u ON u.id = e.user_id ORDER BY u.name");
  std::vector<emergency_listing> out;
  while (st.step()) {
    emergency_listing l{st.column_text(0), st.column_int(1), std::nullopt};
    if (!st.column_is_null(2)) l.used_at = st.column_int(2);
    out.push_back(std::move(l));
  }
  return out;
}

}  // namespace sekisho::store
