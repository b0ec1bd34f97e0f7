#include "gateway/proxy/upstream_pool.hpp"

#include <sys/socket.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>

namespace sekisho::gateway {
namespace {

// An idle upstream connection must have nothing to read: readable means closed (EOF), reset, or stray
// bytes that would be mistaken for the next response. Checked without blocking.
bool still_idle(upstream_connection& c) {
  auto& socket = std::visit([](auto& s) -> tcp_socket& { return beast::get_lowest_layer(s).socket(); }, c.stream);
  char byte;
  const auto n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && c.buffer.size() == 0;
}

// Upstreams idle longer than this are dropped rather than risk the upstream closing them mid-request
// (nginx's default keepalive_timeout is 75 s; Apache's is 5 s).
constexpr auto max_idle_age = std::chrono::seconds(4);

// A fixed receive buffer on upstream connections rather than the kernel's autotuning, which starts at
// 128 KiB (less than the bench's 200 KB response): with autotuning the upstream spent 120–145 µs of CPU per
// response in the bench instead of 23 (the gateway, with the upstream on the same machine: 3,400 → 5,500 responses/s;
// bench/RESULTS.md). 512 KiB is about 200 Mbit/s to an upstream 20 ms away; a hospital's EHR is nearer.
constexpr int upstream_receive_buffer = 512 * 1024;

}  // namespace

bool is_ip_literal(const std::string& host) {
  error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

void set_server_name(SSL* ssl, const std::string& name) {
  // No SNI for an address (RFC 6066 §3). SSL_set_tlsext_host_name is a macro with a C cast; this is its call.
  if (!is_ip_literal(name))
    SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, const_cast<char*>(name.c_str()));
}

upstream_pool::upstream_pool(asio::io_context& io, std::shared_ptr<const gateway_state> state)
    : io_(io), state_(std::move(state)), idle_(state_->settings.gateway.upstreams.size()) {}

std::unique_ptr<upstream_connection> upstream_pool::take_idle(std::size_t upstream) {
  auto slot = try_reserve(upstream);
  return slot.held() ? pop_idle(upstream, slot) : nullptr;
}

awaitable<connect_outcome> upstream_pool::acquire(std::size_t upstream, bool fresh) {
  auto slot = try_reserve(upstream);
  if (!slot.held()) slot = co_await wait_to_reserve(upstream);
  if (!slot.held()) co_return connect_outcome{nullptr, connect_failure::busy};
  if (!fresh)
    if (auto c = pop_idle(upstream, slot)) co_return connect_outcome{std::move(c), connect_failure::none};
  auto connected = co_await connect(upstream);
  if (connected.connection) connected.connection->slot = std::move(slot);
  co_return connected;
}

std::unique_ptr<upstream_connection> upstream_pool::pop_idle(std::size_t upstream, upstream_slot& slot) {
  auto& idle = idle_[upstream];
  const auto now = std::chrono::steady_clock::now();
  while (!idle.empty()) {
    auto c = std::move(idle.back());
    idle.pop_back();
    if (now - c->idle_since < max_idle_age && still_idle(*c)) {
      c->reused = true;
      c->slot = std::move(slot);
      return c;
    }
  }
  return nullptr;
}

upstream_slot upstream_pool::try_reserve(std::size_t upstream) {
  const auto& u = state_->settings.gateway.upstreams[upstream];
  auto& active = state_->usage[upstream].active;
  int n = active.load();
  while (u.max_connections == 0 || n < u.max_connections)
    if (active.compare_exchange_weak(n, n + 1)) return upstream_slot(active);
  return {};
}

// Polls while full: requests in flight to the same upstream, on any worker, finish and give theirs back.
awaitable<upstream_slot> upstream_pool::wait_to_reserve(std::size_t upstream) {
  const auto deadline = std::chrono::steady_clock::now() + state_->settings.gateway.upstreams[upstream].connect_timeout;
  steady_timer timer(io_);
  while (std::chrono::steady_clock::now() < deadline) {
    timer.expires_after(std::chrono::milliseconds(5));
    error_code ec;
    co_await timer.async_wait(with_error(ec));
    if (auto slot = try_reserve(upstream); slot.held()) co_return slot;
  }
  co_return upstream_slot();
}

awaitable<connect_outcome> upstream_pool::connect(std::size_t upstream) {
  const auto& u = state_->settings.gateway.upstreams[upstream];
  error_code ec;
  tcp_resolver resolver(io_);
  auto endpoints = co_await resolver.async_resolve(u.address, u.port, with_error(ec));
  if (ec) co_return connect_outcome{nullptr, connect_failure::refused};
  tcp_stream stream(io_);
  stream.expires_after(u.connect_timeout);
  co_await stream.async_connect(endpoints, with_error(ec));
  if (ec) co_return connect_outcome{nullptr, ec == beast::error::timeout ? connect_failure::timeout : connect_failure::refused};
  stream.socket().set_option(tcp::no_delay(true), ec);
  stream.socket().set_option(asio::socket_base::receive_buffer_size(upstream_receive_buffer), ec);
  if (!u.tls) co_return connect_outcome{std::make_unique<upstream_connection>(std::move(stream))};

  auto c = std::make_unique<upstream_connection>(std::move(stream), *state_->upstream_tls[upstream]);
  auto& tls = std::get<upstream_connection::secure>(c->stream);
  // The name the certificate must carry: the Host sent upstream when configured, else the URL's host.
  const std::string name = u.host_header.empty() ? u.address : u.host_header.substr(0, u.host_header.rfind(':'));
  set_server_name(tls.native_handle(), name);
  if (u.verify_tls) tls.set_verify_callback(asio::ssl::host_name_verification(name));
  beast::get_lowest_layer(tls).expires_after(u.connect_timeout);
  co_await tls.async_handshake(asio::ssl::stream_base::client, with_error(ec));
  if (ec) co_return connect_outcome{nullptr, ec == beast::error::timeout ? connect_failure::timeout : connect_failure::tls};
  co_return connect_outcome{std::move(c)};
}

void upstream_pool::release(std::size_t upstream, std::unique_ptr<upstream_connection> c) {
  const auto& u = state_->settings.gateway.upstreams[upstream];
  auto& idle = idle_[upstream];
  c->slot = upstream_slot();  // idle: no longer one of the upstream's active connections
  if (static_cast<int>(idle.size()) >= u.max_idle_connections) return;  // closed by the destructor
  c->idle_since = std::chrono::steady_clock::now();
  idle.push_back(std::move(c));
}

}  // namespace sekisho::gateway
