// Reads one request head into the connection's buffer with the deadlines that cut slow clients off:
// the idle deadline until the first byte, then one header deadline for the whole head (a slowloris
// client trickling a byte at a time cannot extend it).
#pragma once
#include <chrono>
#include <string_view>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>

#include "gateway/net/asio.hpp"

namespace sekisho::gateway {

enum class head_status { ok, closed, timeout, too_large };

struct head_read {
  head_status status = head_status::closed;
  std::size_t size = 0;  // bytes of the head (through the blank line) at the start of the buffer
};

// The end of the head: the first blank line. A blank line made of bare LFs ends it too, so that such a
// request is answered (400, by check_request_head) at once instead of waiting for a CRLF that never comes.
inline std::size_t find_head_end(const beast::flat_buffer& b) {
  const std::string_view data(static_cast<const char*>(b.data().data()), b.size());
  const auto crlf = data.find("\r\n\r\n");
  const auto lf = data.find("\n\n");
  if (lf != std::string_view::npos && (crlf == std::string_view::npos || lf < crlf + 2)) return lf + 2;
  return crlf == std::string_view::npos ? 0 : crlf + 4;
}

template <class Stream>
awaitable<head_read> read_head(Stream& stream, beast::flat_buffer& buffer, std::size_t limit,
                               std::chrono::seconds idle_timeout, std::chrono::seconds header_timeout) {
  using clock = std::chrono::steady_clock;
  auto deadline = clock::now() + (buffer.size() == 0 ? idle_timeout : header_timeout);
  bool started = buffer.size() > 0;
  for (;;) {
    if (const auto end = find_head_end(buffer)) co_return head_read{head_status::ok, end};
    if (buffer.size() >= limit) co_return head_read{head_status::too_large};
    beast::get_lowest_layer(stream).expires_at(deadline);
    error_code ec;
    const auto n = co_await stream.async_read_some(buffer.prepare(std::min<std::size_t>(limit - buffer.size(), 8192)),
                                                   with_error(ec));
    if (ec == beast::error::timeout) co_return head_read{started ? head_status::timeout : head_status::closed};
    if (ec) co_return head_read{head_status::closed};
    buffer.commit(n);
    if (!started) {
      started = true;
      deadline = clock::now() + header_timeout;
    }
  }
}

}  // namespace sekisho::gateway
