// A WebSocket tunnel's tie to the session that opened it (tunnel.hpp).
#pragma once
#include <chrono>
#include <functional>

#include "gateway/net/asio.hpp"

namespace sekisho::gateway {

// What keeps a tunnel to its session: every `every`, still_allowed is asked whether the session that opened
// it still stands (through the session cache, so within its ttl of a logout, a revocation or a disabled
// user) and whether the rules, as they are now, still admit its user with the groups the session has now
// (a reloaded policy, a user taken out of a group); when not, the tunnel is closed. A busy tunnel never
// reaches its idle deadline, so without this an EHR's WebSocket would outlive the login that opened it.
// Empty still_allowed: a bypass route, nothing to watch.
struct tunnel_watch {
  std::function<awaitable<bool>()> still_allowed;
  std::chrono::seconds every{2};
};

}  // namespace sekisho::gateway
