// Web sessions: opened by authd after a successful login, checked (through the gateway's short cache) on
// requests, closed by logout, by timeouts, and when an admin disables the user or resets their factors.
// The id is 256 random bits handed to the browser once; the database keeps only its SHA-256.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/config.hpp"
#include "core/session/session_id.hpp"
#include "core/store/connection_pool.hpp"
#include "core/store/session_store.hpp"
#include "core/util/clock.hpp"

namespace sekisho::session {

struct session_info {
  std::int64_t user_id = 0;
  std::string user;
  std::vector<std::string> groups;
  std::string display_name;
  int factors = 0;
  std::string method;
  std::int64_t expires_at = 0;  // the sooner of the idle and absolute deadlines, seconds since the epoch
  std::int64_t created_at = 0;  // when the login opened it: recent enough counts as re-authentication
  bool must_change_password = false;  // an admin's temporary password: nothing but the account page until changed
};

// A change to a user's factors or password needs a web session opened by a two-factor login this recently
// (NIST SP 800-63B-4 §4.1.2.1: binding a new authenticator needs a fresh authentication). An emergency
// (break-glass) session never counts: it is for working on patients, not for taking over the account.
inline constexpr std::int64_t reauthentication_seconds = 300;
inline bool recently_authenticated(const session_info& s, std::int64_t now) {
  return s.factors >= 2 && s.method != "break_glass" && now - s.created_at < reauthentication_seconds;
}

class session_book {
 public:
  session_book(store::connection_pool& pool, session_config settings, clock_fn now);

  // Returns the new session id (see session_id.hpp).
  // `lifetime` shortens the absolute timeout (a break-glass session lasts an hour).
  std::string open(std::int64_t user_id, int factors, std::string_view method, std::string_view source,
                   std::optional<std::chrono::seconds> lifetime = std::nullopt);
  // nullopt for unknown, malformed, expired or revoked ids and for disabled users.
  std::optional<session_info> check(std::string_view id);
  bool close(std::string_view id);
  int close_all_for(std::int64_t user_id);
  // "Log out elsewhere": every session of the user but `keep_id`'s.
  int close_others(std::int64_t user_id, std::string_view keep_id);
  // The user's sessions still live, with `current` set on `current_id`'s.
  struct summary {
    std::string tag;  // what the access log and `sekisho session list` call it
    std::string method;
    std::string source;
    std::int64_t created_at = 0;
    std::int64_t last_seen_at = 0;
    bool current = false;
  };
  std::vector<summary> live_for(std::int64_t user_id, std::string_view current_id);
  void forget_expired();
  // How many sessions are live now (for /.sekisho/metrics): all, and break-glass ones.
  store::live_session_counts live_counts();

 private:
  store::connection_pool& pool_;
  session_config settings_;
  clock_fn now_;
};

}  // namespace sekisho::session
