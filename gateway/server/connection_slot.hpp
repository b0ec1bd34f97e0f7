// A client connection (a browser's, or a remote server's pam_sekisho.so) counted for gateway.max_connections,
// gateway.max_connections_per_address and the drain, and forgotten however the coroutine holding it ends.
#pragma once
#include "core/config/gateway_config.hpp"
#include "core/policy/network.hpp"
#include "gateway/net/asio.hpp"

namespace sekisho::gateway {

struct shared_services;

class connection_slot {
 public:
  // Counted under the socket's peer address (:: when the peer has already gone).
  connection_slot(shared_services& shared, const tcp_socket& socket);
  ~connection_slot();
  connection_slot(const connection_slot&) = delete;
  connection_slot& operator=(const connection_slot&) = delete;

  // 0 when the connection may be served. Otherwise it is to be closed at once, and this is the status its
  // access log line gets: 429, too many open from its address (trusted proxies, which carry many clients'
  // connections, excepted); 503, too many open in all.
  unsigned refusal(const gateway_config& g) const;
  const ip_address& peer() const { return peer_; }

 private:
  shared_services& shared_;
  ip_address peer_;
  int open_;            // in all when this one opened, itself included
  int open_from_peer_;  // from its address (or its /64), itself included
};

}  // namespace sekisho::gateway
