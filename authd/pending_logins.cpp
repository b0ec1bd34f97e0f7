#include "authd/pending_logins.hpp"

#include "core/util/digest.hpp"
#include "core/util/random.hpp"
#include "core/util/secret.hpp"

namespace sekisho::authd {

void pending_logins::drop_expired(std::int64_t now) {
  for (auto it = entries_.begin(); it != entries_.end();)
    it = it->second.expires_at <= now ? entries_.erase(it) : std::next(it);
}

std::string pending_logins::add(std::int64_t user_id, std::string user, std::string source, std::int64_t now) {
  auto handle = random_token(32);
  std::lock_guard lock(mutex_);
  if (entries_.size() >= capacity_) drop_expired(now);
  if (entries_.size() >= capacity_) entries_.erase(entries_.begin());  // a flood loses old entries, not memory
  entries_[sha256(handle)] = entry{user_id, std::move(user), std::move(source), now + ttl_, attempts_};
  return handle;
}

std::optional<pending_logins::entry> pending_logins::find_live(std::string_view handle, std::string_view source,
                                                               std::int64_t now, bool count) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(sha256(handle));
  if (it == entries_.end()) return std::nullopt;
  auto& e = it->second;
  if (e.expires_at <= now || e.attempts_left <= 0 || !equal_constant_time(e.source, source)) {
    if (e.expires_at <= now || e.attempts_left <= 0) entries_.erase(it);
    return std::nullopt;
  }
  if (count) --e.attempts_left;
  return e;
}

std::optional<pending_logins::entry> pending_logins::use(std::string_view handle, std::string_view source,
                                                         std::int64_t now) {
  return find_live(handle, source, now, true);
}

std::optional<pending_logins::entry> pending_logins::peek(std::string_view handle, std::string_view source,
                                                          std::int64_t now) {
  return find_live(handle, source, now, false);
}

void pending_logins::finish(std::string_view handle) {
  std::lock_guard lock(mutex_);
  entries_.erase(sha256(handle));
}

}  // namespace sekisho::authd
