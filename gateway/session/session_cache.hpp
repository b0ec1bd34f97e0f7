// Who a session cookie belongs to, asked of authd and remembered for at most gateway.session_cache_ttl
// (≤ 5 s): revocation takes effect within that, and authd is not asked on every click. One cache per
// worker, so no locks. Any failure to get an answer means "no session" (fail closed).
//
// A session in use never waits for authd once it is known: an answer older than three quarters of the ttl
// is still used, and the first request to see it asks authd again in the background. When that call fails,
// the next may start an eighth of the ttl later, not at the next request: a down authd is not asked on
// every click either. Requests that find no usable answer while authd is being asked wait for that one call
// rather than each making their own: a page's many requests after an expiry, or a busy session's, would
// otherwise each open a connection to authd at once and stall the worker.
#pragma once
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "gateway/net/asio.hpp"
#include "gateway/http/admission.hpp"
#include "gateway/session/authd_channel.hpp"

namespace sekisho::gateway {

class session_cache {
 public:
  using clock = std::chrono::steady_clock;
  using identity = std::shared_ptr<const session_identity>;  // null: no session

  session_cache(asio::io_context& io, authd_channel& authd, std::chrono::seconds ttl)
      : io_(io), authd_(authd), ttl_(ttl), refresh_after_(clock::duration(ttl) * 3 / 4),
        retry_after_failure_(clock::duration(ttl) / 8) {}

  // Shared with the cache, not copied: a request reads it and lets go. `now` is the request's time
  // (given by tests). The id is taken by value: the coroutine may outlive the caller's string.
  awaitable<identity> lookup(std::string session_id, clock::time_point now = clock::now());
  // The remembered answer while it is fresh (null inside: authd said no); nullopt when authd must be asked.
  // Without a coroutine, whose frame every request would allocate: most requests are answered here.
  // Takes a view (of the request's Cookie field): the maps look it up without a copy.
  std::optional<identity> cached(std::string_view session_id, clock::time_point now = clock::now());
  // At logout: the remembered answer goes, and so does any answer on its way.
  void forget(std::string_view session_id);

 private:
  // One call to authd under way; the requests that wait for it hold it too.
  struct fetch {
    explicit fetch(asio::io_context& io) : done(io, steady_timer::time_point::max()) {}
    steady_timer done;  // cancelled when the answer is in: that wakes every waiter
    identity who;
    bool forgotten = false;  // logged out meanwhile: the answer is "no session", and it is not kept
  };
  struct entry {
    identity who;
    clock::time_point fetched;     // when authd was asked, so an answer is never used past ttl of that
    clock::time_point refresh_at;  // from when a request may ask again in the background
  };

  std::shared_ptr<fetch> start_fetch(const std::string& session_id);
  awaitable<void> complete(std::string session_id, std::shared_ptr<fetch> f, clock::time_point asked);
  void remember(const std::string& session_id, const identity& who, clock::time_point asked);
  void prune(clock::time_point now);

  asio::io_context& io_;
  authd_channel& authd_;
  std::chrono::seconds ttl_;
  clock::duration refresh_after_;
  clock::duration retry_after_failure_;
  // Keyed by session id, found by a view as well.
  struct id_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view id) const noexcept { return std::hash<std::string_view>{}(id); }
  };
  template <class T>
  using by_id = std::unordered_map<std::string, T, id_hash, std::equal_to<>>;

  by_id<entry> entries_;
  by_id<std::shared_ptr<fetch>> fetching_;
};

// authd's reply to session.check → identity; nullopt when it says no or the reply is not well formed.
std::optional<session_identity> identity_from_reply(const nlohmann::json& reply);

}  // namespace sekisho::gateway
