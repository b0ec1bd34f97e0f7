// Forwards one request to its upstream and the response back, bodies streamed both ways, and answers
// 413/502/504 itself when the exchange fails before the response started.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "gateway/net/asio.hpp"
#include "gateway/net/tcp_stream.hpp"
#include "gateway/net/tls_stream.hpp"
#include "gateway/http/forward_headers.hpp"
#include "gateway/proxy/relay.hpp"
#include "gateway/proxy/tunnel_watch.hpp"
#include "gateway/proxy/upstream_pool.hpp"

namespace sekisho::gateway {

using client_stream = tls_stream;

struct forward_request {
  request_head& head;            // read and checked; its body not yet read
  body_framing body;             // how that body is framed
  std::size_t upstream;          // index into the state's upstreams
  std::string target;            // the normalised target to send
  forward_context headers;       // identity and forwarding facts for prepare_upstream_request
  std::uint64_t max_body_bytes;  // for this route
  std::chrono::seconds client_timeout;  // each read from / write to the client
  body_pace client_pace;                // the least pace of the request's body
  unsigned client_version = 11;   // set by forward() from the request as received
  bool client_keep_alive = true;  // likewise
  std::string_view banner{};      // written into HTML pages (a break-glass session); empty: none
  tunnel_watch session_watch{};   // for a WebSocket upgrade under a session: whether it still stands
  std::string_view strict_transport_security{};  // for a response without one; empty: none
};

// Logged when the client went away before its response started: nginx's code, which log tools know.
inline constexpr unsigned client_closed_request = 499;

struct forward_outcome {
  unsigned status = 0;          // what the client was sent, or client_closed_request
  bool client_reusable = false; // the client connection may serve another request
  std::uint64_t bytes_in = 0;   // request body bytes received from the client
  std::uint64_t bytes_out = 0;  // response body bytes sent to the client
  std::size_t dropped_set_cookies = 0;  // the upstream's Set-Cookie lines for the gateway's own cookies
  std::chrono::steady_clock::duration upstream_time{};  // from sending the head to the response head
};

// Upgrade: websocket with Connection: upgrade (any case, in any list position).
bool is_websocket_upgrade(const head_fields& f);

awaitable<forward_outcome> forward(client_stream& client, beast::flat_buffer& client_buffer, forward_request request,
                                   upstream_pool& pool, relay_buffer& chunk);

}  // namespace sekisho::gateway
