// After a 101 Switching Protocols (WebSocket), the gateway only copies bytes both ways until either side
// closes, stays silent past the idle deadline, or the session that opened it ends. The policy check already
// happened on the upgrade request.
#pragma once
#include <chrono>

#include <boost/asio/buffer.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>

#include "gateway/net/asio.hpp"
#include "gateway/proxy/tunnel_watch.hpp"

namespace sekisho::gateway {

// Copies from `from` to `to`, starting with what was already read into `pending`.
template <class From, class To>
awaitable<void> copy_bytes(From& from, beast::flat_buffer& pending, To& to, std::chrono::seconds idle) {
  error_code ec;
  if (pending.size() > 0) {
    beast::get_lowest_layer(to).expires_after(idle);
    co_await asio::async_write(to, pending.data(), with_error(ec));
    if (ec) co_return;
    pending.consume(pending.size());
  }
  char chunk[16 * 1024];
  for (;;) {
    beast::get_lowest_layer(from).expires_after(idle);
    const auto n = co_await from.async_read_some(asio::buffer(chunk), with_error(ec));
    if (ec) co_return;
    beast::get_lowest_layer(to).expires_after(idle);
    co_await asio::async_write(to, asio::buffer(chunk, n), with_error(ec));
    if (ec) co_return;
  }
}

// Runs both directions, and the watch; when a direction ends or the watch says no, both connections are
// closed so everything else ends too, and the function returns only after all have stopped (they refer to
// the caller's streams).
template <class A, class B>
awaitable<void> tunnel(A& a, beast::flat_buffer& a_pending, B& b, beast::flat_buffer& b_pending,
                       std::chrono::seconds idle, const tunnel_watch& watch) {
  auto ex = co_await asio::this_coro::executor;
  steady_timer helper_done(ex, steady_timer::time_point::max());
  steady_timer next_check(ex);
  int helpers = 0;
  bool over = false;
  const auto close_both = [&] {
    over = true;
    beast::get_lowest_layer(a).close();
    beast::get_lowest_layer(b).close();
    next_check.cancel();
  };
  const auto helper = [&](auto work) {
    ++helpers;
    asio::co_spawn(
        ex,
        [&, work]() -> awaitable<void> {
          co_await work();
          close_both();
          --helpers;
          helper_done.cancel();
        },
        asio::detached);
  };
  helper([&]() { return copy_bytes(b, b_pending, a, idle); });
  if (watch.still_allowed)
    helper([&]() -> awaitable<void> {
      error_code ec;
      while (!over) {
        next_check.expires_after(watch.every);
        co_await next_check.async_wait(with_error(ec));
        if (over || !co_await watch.still_allowed()) co_return;
      }
    });
  co_await copy_bytes(a, a_pending, b, idle);
  close_both();
  error_code ec;
  while (helpers > 0) co_await helper_done.async_wait(with_error(ec));
}

}  // namespace sekisho::gateway
