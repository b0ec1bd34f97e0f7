#include "gateway/server/worker.hpp"

#include <boost/asio/post.hpp>

#include "gateway/server/access_log.hpp"
#include "gateway/server/client_connection.hpp"

namespace sekisho::gateway {

worker::worker(std::shared_ptr<const gateway_state> state, shared_services& shared)
    : io_(1),
      shared_(shared),
      pool_(std::make_shared<upstream_pool>(io_, state)),
      authd_(io_, state->settings.authd.socket, std::chrono::milliseconds(2000), &metrics_),
      sessions_(io_, authd_, state->settings.gateway.session_cache_ttl) {
  shared_.workers.push_back(this);
}

void worker::adopt(tcp_socket socket) {
  asio::co_spawn(io_, serve_client(*this, std::move(socket)), asio::detached);
}

void worker::set_state(std::shared_ptr<const gateway_state> state) {
  asio::post(io_, [this, state = std::move(state)]() mutable {
    pool_ = std::make_shared<upstream_pool>(io_, std::move(state));
  });
}

// Connections between requests are closed now; those mid-request close after their response.
void worker::begin_drain() {
  asio::post(io_, [this] {
    draining_ = true;
    for (auto& c : idle_) {
      error_code ec;
      c.socket.close(ec);
    }
    idle_.clear();
  });
}

awaitable<gateway_metrics> gather_metrics(const shared_services& shared) {
  gateway_metrics total;
  for (worker* w : shared.workers)
    total += co_await asio::co_spawn(
        w->io(), [w]() -> awaitable<gateway_metrics> { co_return w->metrics(); }, use_awaitable);
  if (shared.log != nullptr) total.access_log = {shared.log->lines_lost(), shared.log->failing()};
  co_return total;
}

}  // namespace sekisho::gateway
