// The request path's reads and writes: try the socket (or OpenSSL) at once, and wait through Asio only when
// it would block. Most reads and writes of a proxied request can complete at once (the upstream has
// answered by the time the gateway looks, the kernel has room for a response), and an Asio operation that
// completes at once still goes through the scheduler and back: the attempt first is what nginx does.
#pragma once
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <type_traits>

#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "gateway/net/asio.hpp"
#include "gateway/net/tcp_stream.hpp"
#include "gateway/net/tls_stream.hpp"

namespace sekisho::gateway {

using io_clock = std::chrono::steady_clock;
using deadline = io_clock::time_point;

// A plain upstream connection: the system calls themselves, non-blocking whatever the socket's mode.
inline std::size_t io_result(ssize_t n, error_code& ec) {
  if (n >= 0) return static_cast<std::size_t>(n);
  ec = errno == EAGAIN || errno == EWOULDBLOCK ? error_code(asio::error::would_block)
                                                : error_code(errno, boost::system::system_category());
  return 0;
}
inline std::size_t read_now(tcp_stream& s, asio::mutable_buffer b, error_code& ec) {
  ec = {};
  const auto n = io_result(::recv(s.socket().native_handle(), b.data(), b.size(), MSG_DONTWAIT), ec);
  if (!ec && n == 0 && b.size() > 0) ec = asio::error::eof;
  return n;
}
inline std::size_t write_now(tcp_stream& s, asio::const_buffer b, error_code& ec) {
  ec = {};
  return io_result(::send(s.socket().native_handle(), b.data(), b.size(), MSG_DONTWAIT | MSG_NOSIGNAL), ec);
}

// A TLS upstream goes through asio::ssl, which has no such attempt: always the async path.
inline std::size_t read_now(beast::ssl_stream<tcp_stream>&, asio::mutable_buffer, error_code& ec) {
  ec = asio::error::would_block;
  return 0;
}
inline std::size_t write_now(beast::ssl_stream<tcp_stream>&, asio::const_buffer, error_code& ec) {
  ec = asio::error::would_block;
  return 0;
}

inline std::size_t read_now(tls_stream& s, asio::mutable_buffer b, error_code& ec) { return s.read_now(b, ec); }
inline std::size_t write_now(tls_stream& s, asio::const_buffer b, error_code& ec) { return s.write_now(b, ec); }

// The client's TLS stream can keep a write's records for the next write's send(); other streams send each
// write as it comes.
template <class Stream>
void hold_next_write(Stream&) {}
inline void hold_next_write(tls_stream& s) { s.hold_next_write(); }

// The hot call sites try first and co_await only when the stream would block: a coroutine's frame is
// allocated even when it completes at once, and with Asio's resumption that was about 350 instructions a
// call (callgrind), three times per proxied request. So:
//   auto n = read_now(s, b, ec);
//   if (ec == asio::error::would_block) n = co_await wait_and_read_some(s, b, by, ec);
//   if (!write_at_once(s, b, ec)) co_await wait_and_write_all(s, b, by, ec);
// and read_some and write_all do both for the other sites.

// Some bytes after an attempt that would have blocked, or an error (asio::error::eof at the end,
// beast::error::timeout past the deadline). Asio's own reads try once more before they wait; the client's
// TLS stream waits first, sparing a system call that would fail. (One coroutine, not one per kind of
// stream: each is a frame allocated for every read.)
template <class Stream>
awaitable<std::size_t> wait_and_read_some(Stream& s, asio::mutable_buffer b, deadline by, error_code& ec) {
  ec = {};
  beast::get_lowest_layer(s).expires_at(by);
  if constexpr (std::is_same_v<Stream, tls_stream>)
    co_return co_await s.async_wait_and_read_some(b, with_error(ec));
  else
    co_return co_await s.async_read_some(b, with_error(ec));
}

// Some bytes, or an error.
template <class Stream>
awaitable<std::size_t> read_some(Stream& s, asio::mutable_buffer b, deadline by, error_code& ec) {
  const auto n = read_now(s, b, ec);
  if (ec != asio::error::would_block) co_return n;
  co_return co_await wait_and_read_some(s, b, by, ec);
}

// Writes what it can of `b` now, advancing it past what went: true when nothing is left to wait for (all of
// it written, or an error in `ec`), false with `ec` clear when the rest must wait.
template <class Stream>
bool write_at_once(Stream& s, asio::const_buffer& b, error_code& ec) {
  while (b.size() > 0) {
    const auto n = write_now(s, b, ec);
    if (ec == asio::error::would_block) {
      ec = {};
      return false;
    }
    if (ec) return true;
    b += n;
  }
  return true;
}

// The rest of `b`, after write_at_once could not write it all.
template <class Stream>
awaitable<void> wait_and_write_all(Stream& s, asio::const_buffer b, deadline by, error_code& ec) {
  beast::get_lowest_layer(s).expires_at(by);
  co_await asio::async_write(s, b, with_error(ec));
}

// All of `b`, or an error.
template <class Stream>
awaitable<void> write_all(Stream& s, asio::const_buffer b, deadline by, error_code& ec) {
  if (!write_at_once(s, b, ec)) co_await wait_and_write_all(s, b, by, ec);
}

}  // namespace sekisho::gateway
