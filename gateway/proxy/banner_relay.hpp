// relay_body for a break-glass session's HTML page: the same stream, with the banner written just after the
// <body> tag, or at the very end when the page has none (the caller grew Content-Length by the banner's
// size, and the count stays true either way).
#pragma once
#include <string_view>

#include "gateway/http/html_banner.hpp"
#include "gateway/proxy/relay.hpp"

namespace sekisho::gateway {

template <class In, class Out>
awaitable<relay_outcome> relay_body_with_banner(In& in, beast::flat_buffer& in_buffer,
                                                http::response_parser<http::buffer_body>& parser, Out& out,
                                                http::response_serializer<http::buffer_body>& serializer,
                                                relay_buffer& chunk, relay_deadlines deadlines,
                                                std::string_view banner) {
  std::uint64_t bytes = 0;
  body_tag_finder finder;
  bool placed = false;
  auto& body = parser.get().body();
  do {
    std::size_t got = 0;
    if (!parser.is_done()) {
      const auto read = co_await read_piece(in, in_buffer, parser, chunk, deadlines.read, got);
      if (read) co_return relay_outcome{relay_failure::source, read, bytes};
      bytes += got;
    }
    const bool more = !parser.is_done();
    std::size_t at = got;  // where the banner goes in this piece
    bool here = false;
    if (!placed) {
      const auto found = finder.feed({chunk.data(), got});
      here = found.has_value() || !more;
      if (found) at = *found;
    }
    error_code wrote;
    if (here) {
      placed = true;
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
