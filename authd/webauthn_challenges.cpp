#include "authd/webauthn_challenges.hpp"

#include "core/util/digest.hpp"
#include "core/util/random.hpp"
#include "core/util/secret.hpp"

namespace sekisho::authd {

void webauthn_challenges::drop_expired(std::int64_t now) {
  for (auto it = entries_.begin(); it != entries_.end();)
    it = it->second.expires_at <= now ? entries_.erase(it) : std::next(it);
}

webauthn_challenges::issued webauthn_challenges::issue(ceremony kind, std::string_view owner, std::int64_t user_id,
                                                       std::vector<std::string> allowed, std::int64_t now) {
  issued out{random_token(32), random_bytes(challenge_bytes)};
  entry e{kind, sha256(owner), user_id, out.challenge, std::move(allowed), now + ttl_};
  std::lock_guard lock(mutex_);
  if (entries_.size() >= capacity_) drop_expired(now);
  if (entries_.size() >= capacity_) entries_.erase(entries_.begin());
  entries_[sha256(out.handle)] = std::move(e);
  return out;
}

std::optional<webauthn_challenges::entry> webauthn_challenges::take(std::string_view handle, ceremony kind,
                                                                    std::string_view owner, std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(sha256(handle));
  if (it == entries_.end()) return std::nullopt;
  entry e = std::move(it->second);
  entries_.erase(it);
  if (e.expires_at <= now || e.kind != kind || !equal_constant_time(e.owner_hash, sha256(owner))) return std::nullopt;
  return e;
}

}  // namespace sekisho::authd
