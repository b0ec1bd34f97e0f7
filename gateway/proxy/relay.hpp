// Streams a message body from one connection to another through a fixed buffer, the shape of Beast's
// relay() example: nothing is ever buffered whole, so a 1 GB upload or download costs one buffer.
#pragma once
#include <array>
#include <chrono>
#include <cstdint>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>

#include "gateway/http/html_banner.hpp"
#include "gateway/net/asio.hpp"

namespace sekisho::gateway {

namespace http = beast::http;

inline constexpr std::size_t relay_chunk_bytes = 64 * 1024;
using relay_buffer = std::array<char, relay_chunk_bytes>;

struct relay_deadlines {
  std::chrono::steady_clock::duration read;   // each read from the source
  std::chrono::steady_clock::duration write;  // each write to the destination
};

// Which side failed, so the caller can answer 413/502/504 or just close.
enum class relay_failure { none, source, destination };

struct relay_outcome {
  relay_failure failed = relay_failure::none;
  error_code ec;
  std::uint64_t bytes = 0;  // body bytes read from the source
};

// One piece of body from the source into `chunk`: how many bytes came (0 for a chunk header alone, or the
// close that ends the body). Some, not all: a streamed body (an event stream, a slow report) goes on as
// each piece arrives instead of waiting for a full buffer.
template <bool is_request, class In>
awaitable<error_code> read_piece(In& in, beast::flat_buffer& in_buffer, http::parser<is_request, http::buffer_body>& parser,
                                 relay_buffer& chunk, std::chrono::steady_clock::duration deadline, std::size_t& got) {
  error_code ec;
  auto& body = parser.get().body();
  body.data = chunk.data();
  body.size = chunk.size();
  beast::get_lowest_layer(in).expires_after(deadline);
  co_await http::async_read_some(in, in_buffer, parser, with_error(ec));
  if (ec == http::error::need_buffer) ec = {};
  got = chunk.size() - body.size;
  co_return ec;
}

// Writes `size` bytes at `data` as body through `serializer` (whose message body is `body`); `more` says
// whether body follows. No data (nullptr) rather than an empty piece: a chunked serializer would write an
// empty chunk, which reads as the end of the body.
template <bool is_request, class Out>
awaitable<error_code> write_piece(Out& out, http::serializer<is_request, http::buffer_body>& serializer,
                                  http::buffer_body::value_type& body, const char* data, std::size_t size, bool more,
                                  std::chrono::steady_clock::duration deadline) {
  error_code ec;
  body.data = size == 0 ? nullptr : const_cast<char*>(data);
  body.size = size;
  body.more = more;
  beast::get_lowest_layer(out).expires_after(deadline);
  co_await http::async_write(out, serializer, with_error(ec));
  if (ec == http::error::need_buffer) ec = {};
  co_return ec;
}

// The header has already been read by `parser` from `in` and written through `serializer` to `out`.
// A non-empty `banner` (a break-glass session's HTML page) is written just after the <body> tag, or at the
// very end when the page has none: the caller grew Content-Length by its size, and the count stays true.
template <bool is_request, class In, class Out>
awaitable<relay_outcome> relay_body(In& in, beast::flat_buffer& in_buffer, http::parser<is_request, http::buffer_body>& parser,
                                    Out& out, http::serializer<is_request, http::buffer_body>& serializer,
                                    relay_buffer& chunk, relay_deadlines deadlines, std::string_view banner = {}) {
  std::uint64_t bytes = 0;
  auto& body = parser.get().body();
  body_tag_finder finder;
  bool placed = banner.empty();
  do {
    std::size_t got = 0;
    if (!parser.is_done()) {
      const auto read = co_await read_piece(in, in_buffer, parser, chunk, deadlines.read, got);
      if (read) co_return relay_outcome{relay_failure::source, read, bytes};
      bytes += got;
    }
    const bool more = !parser.is_done();
    bool here = false;     // the banner goes into this piece…
    std::size_t at = got;  // …at this offset
    if (!placed) {
      const auto found = finder.feed({chunk.data(), got});
      here = placed = found.has_value() || !more;
      if (found) at = *found;
    }
    error_code wrote;
    if (here) {
      wrote = co_await write_piece(out, serializer, body, chunk.data(), at, true, deadlines.write);
      if (!wrote) wrote = co_await write_piece(out, serializer, body, banner.data(), banner.size(), true, deadlines.write);
      if (!wrote) wrote = co_await write_piece(out, serializer, body, chunk.data() + at, got - at, more, deadlines.write);
    } else {
      wrote = co_await write_piece(out, serializer, body, chunk.data(), got, more, deadlines.write);
    }
    if (wrote) co_return relay_outcome{relay_failure::destination, wrote, bytes};
  } while (!parser.is_done() || !serializer.is_done());
  co_return relay_outcome{relay_failure::none, {}, bytes};
}

}  // namespace sekisho::gateway
