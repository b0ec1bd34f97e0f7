#include "core/store/session_store.hpp"

namespace sekisho::store {
namespace {

constexpr const char* select_sessions =
    "SELECT s.id_hash, s.user_id, u.name, s.factors, s.method, s.source, s.created_at, s.last_seen_at, "
    "s.expires_at, u.disabled FROM sessions s JOIN users u ON u.id = s.user_id";

session_row read_session(statement& st) {
  session_row s;
  s.id_hash = st.column_blob(0);
  s.user_id = st.column_int(1);
  s.user = st.column_text(2);
  s.factors = static_cast<int>(st.column_int(3));
  s.method = st.column_text(4);
  s.source = st.column_text(5);
  s.created_at = st.column_int(6);
  s.last_seen_at = st.column_int(7);
  s.expires_at = st.column_int(8);
  s.user_disabled = st.column_int(9) != 0;
  return s;
}

}  // namespace

void insert_session(database& db, const session_row& s) {
  auto st = db.prepare(
      "INSERT INTO sessions(id_hash, user_id, factors, method, source, created_at, last_seen_at, expires_at) "
      "VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
  st.bind_blob(1, s.id_hash).bind(2, s.user_id).bind(3, static_cast<std::int64_t>(s.factors)).bind(4, s.method);
  st.bind(5, s.source).bind(6, s.created_at).bind(7, s.last_seen_at).bind(8, s.expires_at).run();
}

std::optional<session_row> find_session(database& db, std::string_view id_hash) {
  auto st = db.prepare(std::string(select_sessions) + " WHERE s.id_hash = ?");
  st.bind_blob(1, id_hash);
  if (!st.step()) return std::nullopt;
  return read_session(st);
}

void touch_session(database& db, std::string_view id_hash, std::int64_t now) {
  auto st = db.prepare("UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?");
  st.bind(1, now).bind_blob(2, id_hash).run();
}

bool delete_session(database& db, std::string_view id_hash) {
  auto st = db.prepare("DELETE FROM sessions WHERE id_hash = ?");
  st.bind_blob(1, id_hash).run();
  return db.changes() > 0;
}

int delete_user_sessions(database& db, std::int64_t user_id) {
  auto st = db.prepare("DELETE FROM sessions WHERE user_id = ?");
  st.bind(1, user_id).run();
  return db.changes();
}

void delete_sessions_expired_before(database& db, std::int64_t now, std::int64_t idle_cutoff) {
  auto st = db.prepare("DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at < ?");
  st.bind(1, now).bind(2, idle_cutoff).run();
}

live_session_counts count_live_sessions(database& db, std::int64_t now, std::int64_t idle_cutoff) {
  auto st = db.prepare(
      "SELECT COUNT(*), COALESCE(SUM(method = 'break_glass'), 0) FROM sessions WHERE expires_at > ? AND last_seen_at > ?");
  st.bind(1, now).bind(2, idle_cutoff);
  live_session_counts out;
  if (st.step()) out = {st.column_int(0), st.column_int(1)};
  return out;
}

std::vector<session_row> list_sessions(database& db) {
  auto st = db.prepare(std::string(select_sessions) + " ORDER BY s.created_at");
  std::vector<session_row> out;
  while (st.step()) out.push_back(read_session(st));
  return out;
}

std::vector<session_row> sessions_of_user(database& db, std::int64_t user_id) {
  auto st = db.prepare(std::string(select_sessions) + " WHERE s.user_id = ? ORDER BY s.created_at");
  st.bind(1, user_id);
  std::vector<session_row> out;
  while (st.step()) out.push_back(read_session(st));
  return out;
}

int delete_other_sessions(database& db, std::int64_t user_id, std::string_view keep_hash) {
  auto st = db.prepare("DELETE FROM sessions WHERE user_id = ? AND id_hash != ?");
  st.bind(1, user_id).bind_blob(2, keep_hash).run();
  return db.changes();
}

}  // namespace sekisho::store
