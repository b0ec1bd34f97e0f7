#include "core/session/session_book.hpp"

#include <algorithm>

#include "core/store/session_store.hpp"
#include "core/store/user_store.hpp"
#include "core/util/digest.hpp"
#include "core/util/random.hpp"

namespace sekisho::session {
namespace {

// last_seen_at is written at most this often: a check per request would turn every click into a write.
constexpr std::int64_t touch_interval = 60;

std::int64_t seconds_of(std::chrono::seconds s) { return static_cast<std::int64_t>(s.count()); }

}  // namespace

session_book::session_book(store::connection_pool& pool, session_config settings, clock_fn now)
    : pool_(pool), settings_(settings), now_(std::move(now)) {}

std::string session_book::open(std::int64_t user_id, int factors, std::string_view method, std::string_view source,
                               std::optional<std::chrono::seconds> lifetime) {
  std::string id = random_token(32);
  const auto now = now_();
  store::session_row row;
  row.id_hash = sha256(id);
  row.user_id = user_id;
  row.factors = factors;
  row.method = std::string(method);
  row.source = std::string(source);
  row.created_at = now;
  row.last_seen_at = now;
  row.expires_at = now + seconds_of(lifetime ? std::min(*lifetime, settings_.absolute_timeout) : settings_.absolute_timeout);
  auto db = pool_.acquire();
  store::insert_session(*db, row);
  return id;
}

std::optional<session_info> session_book::check(std::string_view id) {
  if (!well_formed_session_id(id)) return std::nullopt;
  const auto hash = sha256(id);
  const auto now = now_();
  auto db = pool_.acquire();
  auto row = store::find_session(*db, hash);
  if (!row) return std::nullopt;
  const auto idle_end = row->last_seen_at + seconds_of(settings_.idle_timeout);
  if (now >= row->expires_at || now >= idle_end) {
    store::delete_session(*db, hash);
    return std::nullopt;
  }
  if (row->user_disabled) return std::nullopt;
  auto user = store::find_user_by_id(*db, row->user_id);
  if (!user) return std::nullopt;
  if (now - row->last_seen_at >= touch_interval) store::touch_session(*db, hash, now);
  // The idle deadline moves with each request (to within touch_interval).
  return session_info{user->id,          user->name,   user->groups,
                      user->display_name, row->factors, row->method,
                      std::min(row->expires_at, now + seconds_of(settings_.idle_timeout)), row->created_at,
                      user->must_change_password};
}

bool session_book::close(std::string_view id) {
  if (!well_formed_session_id(id)) return false;
  auto db = pool_.acquire();
  return store::delete_session(*db, sha256(id));
}

int session_book::close_all_for(std::int64_t user_id) {
  auto db = pool_.acquire();
  return store::delete_user_sessions(*db, user_id);
}

int session_book::close_others(std::int64_t user_id, std::string_view keep_id) {
  auto db = pool_.acquire();
  return store::delete_other_sessions(*db, user_id, sha256(keep_id));
}

std::vector<session_book::summary> session_book::live_for(std::int64_t user_id, std::string_view current_id) {
  const auto now = now_();
  const auto current = sha256(current_id);
  std::vector<summary> out;
  auto db = pool_.acquire();
  for (const auto& s : store::sessions_of_user(*db, user_id)) {
    if (now >= s.expires_at || now >= s.last_seen_at + seconds_of(settings_.idle_timeout)) continue;
    out.push_back({session_tag(s.id_hash), s.method, s.source, s.created_at, s.last_seen_at, s.id_hash == current});
  }
  return out;
}

void session_book::forget_expired() {
  const auto now = now_();
  auto db = pool_.acquire();
  store::delete_sessions_expired_before(*db, now, now - seconds_of(settings_.idle_timeout));
}

store::live_session_counts session_book::live_counts() {
  const auto now = now_();
  auto db = pool_.acquire();
  return store::count_live_sessions(*db, now, now - seconds_of(settings_.idle_timeout));
}

}  // namespace sekisho::session
