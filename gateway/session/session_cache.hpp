// Who a session cookie belongs to, asked of authd and remembered for at most gateway.session_cache_ttl
// (≤ 5 s): revocation takes effect within that, and authd is not asked on every click. One cache per
// worker, so no locks. Any failure to get an answer means "no session" (fail closed).
#pragma once
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "gateway/net/asio.hpp"
#include "gateway/http/admission.hpp"
#include "gateway/session/authd_channel.hpp"

namespace sekisho::gateway {

class session_cache {
 public:
  session_cache(authd_channel& authd, std::chrono::seconds ttl) : authd_(authd), ttl_(ttl) {}

  // Shared with the cache, not copied: a request reads it and lets go.
  awaitable<std::shared_ptr<const session_identity>> lookup(const std::string& session_id);
  // The remembered answer while it is fresh (null inside: authd said no); nullopt when authd must be asked.
  // Without a coroutine, whose frame every request would allocate: most requests are answered here.
  std::optional<std::shared_ptr<const session_identity>> cached(const std::string& session_id) const;
  void forget(const std::string& session_id) { entries_.erase(session_id); }

 private:
  struct entry {
    std::shared_ptr<const session_identity> who;  // null: authd said no
    std::chrono::steady_clock::time_point fetched;
  };
  void prune(std::chrono::steady_clock::time_point now);

  authd_channel& authd_;
  std::chrono::seconds ttl_;
  std::unordered_map<std::string, entry> entries_;
};

// authd's reply to session.check → identity; nullopt when it says no or the reply is not well formed.
std::optional<session_identity> identity_from_reply(const nlohmann::json& reply);

}  // namespace sekisho::gateway
