// Web sessions, keyed by the SHA-256 of the session id (the id itself is never stored).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/database.hpp"

namespace sekisho::store {

struct session_row {
  std::string id_hash;
  std::int64_t user_id = 0;
  std::string user;
  int factors = 0;
  std::string method;  // "totp", "recovery", "webauthn", …
  std::string source;
  std::int64_t created_at = 0;
  std::int64_t last_seen_at = 0;
  std::int64_t expires_at = 0;
  bool user_disabled = false;
};

void insert_session(database& db, const session_row& s);
std::optional<session_row> find_session(database& db, std::string_view id_hash);
void touch_session(database& db, std::string_view id_hash, std::int64_t now);
bool delete_session(database& db, std::string_view id_hash);
int delete_user_sessions(database& db, std::int64_t user_id);
void delete_sessions_expired_before(database& db, std::int64_t now, std::int64_t idle_cutoff);
std::vector<session_row> list_sessions(database& db);
std::vector<session_row> sessions_of_user(database& db, std::int64_t user_id);
// Sessions still live at `now` (expiring after it, seen after `idle_cutoff`): all, and those opened by break-glass.
struct live_session_counts {
  std::int64_t all = 0;
  std::int64_t break_glass = 0;
};
live_session_counts count_live_sessions(database& db, std::int64_t now, std::int64_t idle_cutoff);
// Every session of the user but the one whose hash is `keep_hash`; returns how many ended.
int delete_other_sessions(database& db, std::int64_t user_id, std::string_view keep_hash);

}  // namespace sekisho::store
