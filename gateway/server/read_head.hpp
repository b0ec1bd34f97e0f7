// Reads one message head into a connection's buffer. A client's request head has the deadlines that cut
// slow clients off: the idle deadline until the first byte, then one header deadline for the whole head (a
// slowloris client trickling a byte at a time cannot extend it). An upstream's response head has one.
#pragma once
#include <algorithm>
#include <chrono>
#include <string_view>

#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>

#include "gateway/http/head_reader.hpp"
#include "gateway/net/asio.hpp"
#include "gateway/net/eager_io.hpp"

namespace sekisho::gateway {

namespace http = beast::http;

enum class head_status { ok, closed, timeout, too_large };

struct head_read {
  head_status status = head_status::closed;
  std::size_t size = 0;  // bytes of the head (through the blank line) at the start of the buffer
};

// Reads until the buffer starts with a whole head: its size, or 0 with `ec` set (http::error::header_limit
// when it is larger than `limit`). Each read asks for up to `read_size` bytes (never past `limit`), so
// that what follows the head (a body) comes with it.
template <class Stream>
awaitable<std::size_t> read_until_head_end(Stream& stream, beast::flat_buffer& buffer, std::size_t limit,
                                           std::size_t read_size, deadline by, error_code& ec) {
  for (;;) {
    if (const auto end = find_head_end({static_cast<const char*>(buffer.data().data()), buffer.size()})) co_return end;
    if (buffer.size() >= limit) {
      ec = http::error::header_limit;
      co_return 0;
    }
    const auto room = buffer.prepare(std::min(limit - buffer.size(), read_size));
    auto n = read_now(stream, room, ec);  // tried before a coroutine is started (eager_io.hpp)
    if (ec == asio::error::would_block) n = co_await wait_and_read_some(stream, room, by, ec);
    if (ec) co_return 0;
    buffer.commit(n);
  }
}

template <class Stream>
awaitable<head_read> read_head(Stream& stream, beast::flat_buffer& buffer, std::size_t limit,
                               std::chrono::seconds idle_timeout, std::chrono::seconds header_timeout) {
  const auto read_size = std::min<std::size_t>(limit, 8192);
  error_code ec;
  if (buffer.size() == 0) {  // a pipelined request may already be here
    // The client has only just been sent its last response: let the other connections' work run first,
    // rather than try a read that would fail and then ask epoll to watch the socket again.
    co_await asio::post(stream.get_executor(), use_awaitable);
    const auto n = co_await read_some(stream, buffer.prepare(read_size), io_clock::now() + idle_timeout, ec);
    if (ec) co_return head_read{head_status::closed};
    buffer.commit(n);
  }
  const auto size = co_await read_until_head_end(stream, buffer, limit, read_size, io_clock::now() + header_timeout, ec);
  if (ec == http::error::header_limit) co_return head_read{head_status::too_large};
  if (ec == beast::error::timeout) co_return head_read{head_status::timeout};
  if (ec) co_return head_read{head_status::closed};
  co_return head_read{head_status::ok, size};
}

}  // namespace sekisho::gateway
