// Keep-alive connections to the upstreams, one pool per worker thread (no locks: a worker's connections
// live on its own io_context). A pooled connection that the upstream has closed is noticed before reuse.
#pragma once
#include <chrono>
#include <atomic>
#include <memory>
#include <utility>
#include <variant>
#include <vector>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "gateway/net/asio.hpp"
#include "gateway/net/tcp_stream.hpp"
#include "gateway/server/gateway_state.hpp"

namespace sekisho::gateway {

// Whether `host` is an IP address rather than a name.
bool is_ip_literal(const std::string& host);
// The TLS server name a client connection sends (none for an address).
void set_server_name(SSL* ssl, const std::string& name);

// One of an upstream's active connections (carrying a request), counted for upstream.max_connections.
class upstream_slot {
 public:
  upstream_slot() = default;
  explicit upstream_slot(std::atomic<int>& active) : active_(&active) {}
  upstream_slot(upstream_slot&& o) noexcept : active_(std::exchange(o.active_, nullptr)) {}
  upstream_slot& operator=(upstream_slot&& o) noexcept {
    release();
    active_ = std::exchange(o.active_, nullptr);
    return *this;
  }
  ~upstream_slot() { release(); }
  bool held() const { return active_ != nullptr; }

 private:
  void release() {
    if (active_ != nullptr) active_->fetch_sub(1);
    active_ = nullptr;
  }
  std::atomic<int>* active_ = nullptr;
};

struct upstream_connection {
  using plain = tcp_stream;
  using secure = beast::ssl_stream<tcp_stream>;

  // Beast reads at most the buffer's spare capacity: without room reserved, every read is 512 bytes.
  explicit upstream_connection(plain s) : stream(std::in_place_type<plain>, std::move(s)) { buffer.reserve(read_room); }
  upstream_connection(plain s, boost::asio::ssl::context& ctx)
      : stream(std::in_place_type<secure>, std::move(s), ctx) {
    buffer.reserve(read_room);
  }
  static constexpr std::size_t read_room = 64 * 1024;

  std::variant<plain, secure> stream;
  beast::flat_buffer buffer;  // bytes read past the last response belong to the next one
  std::chrono::steady_clock::time_point idle_since;
  bool reused = false;        // came from the pool: a failure before any response byte may be retried
  upstream_slot slot;         // held while the connection carries a request
};

// busy: upstream.max_connections were carrying requests for all of connect_timeout.
enum class connect_failure { none, refused, timeout, tls, busy };

struct connect_outcome {
  std::unique_ptr<upstream_connection> connection;
  connect_failure failed = connect_failure::none;
};

class upstream_pool {
 public:
  upstream_pool(asio::io_context& io, std::shared_ptr<const gateway_state> state);

  // A pooled connection when one is alive, else a new one (resolve, connect, TLS with verification).
  // A place under upstream.max_connections first (waiting up to connect_timeout), then a pooled
  // connection when one is alive (unless `fresh`), else a new one.
  awaitable<connect_outcome> acquire(std::size_t upstream, bool fresh = false);
  // A pooled connection that is alive, with its place under max_connections, when both are to be had at once;
  // else nullptr, and then acquire(). Not a coroutine: this is what nearly every request finds.
  std::unique_ptr<upstream_connection> take_idle(std::size_t upstream);
  // Gives back the connection's place and keeps it for reuse, up to the upstream's max_idle_connections.
  void release(std::size_t upstream, std::unique_ptr<upstream_connection> c);

  const gateway_state& state() const { return *state_; }

 private:
  // A place under max_connections at once, or an empty slot when all are taken.
  upstream_slot try_reserve(std::size_t upstream);
  // A place when one frees up within connect_timeout (a coroutine only for this rare case: its frame would be
  // allocated for every request).
  awaitable<upstream_slot> wait_to_reserve(std::size_t upstream);
  // The most recently pooled connection that is still alive, given `slot` (taken from it), or nullptr (the
  // slot left as it was). Dead and stale ones met on the way are closed.
  std::unique_ptr<upstream_connection> pop_idle(std::size_t upstream, upstream_slot& slot);
  awaitable<connect_outcome> connect(std::size_t upstream);  // resolve, connect, TLS with verification

  asio::io_context& io_;
  std::shared_ptr<const gateway_state> state_;
  std::vector<std::vector<std::unique_ptr<upstream_connection>>> idle_;
};

}  // namespace sekisho::gateway
