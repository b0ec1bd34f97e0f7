// The bodies Beast decodes for the gateway, given only their framing: piece by piece into lent room, to the
// body's end and no further, within the limit.
#include "gateway/http/body_decoder.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

using namespace sekisho::gateway;

namespace {

// Everything `decoder` makes of `wire`, lending `room` bytes at a time; the bytes it used in `used`.
template <bool is_request>
std::string decode(body_decoder<is_request>& decoder, std::string_view wire, std::size_t room, std::size_t& used,
                   boost::system::error_code& ec) {
  std::string body;
  std::vector<char> piece(room);
  used = 0;
  for (int rounds = 0; !decoder.is_done() && rounds < 1000; ++rounds) {
    decoder.lend(piece);
    used += decoder.put(boost::asio::buffer(wire.data() + used, wire.size() - used), ec);
    if (ec == http::error::need_buffer) ec = {};
    body.append(piece.data(), decoder.filled());
    if (ec) break;
    if (used == wire.size() && decoder.filled() == 0) break;  // needs more than there is
  }
  return body;
}

}  // namespace

TEST_CASE("a chunked body is decoded piece by piece into the room the caller lends, and stops at its end") {
  const std::string wire = "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\nGET /next HTTP/1.1\r\n";
  for (std::size_t room : {1, 4, 64}) {
    CAPTURE(room);
    body_decoder<true> decoder(body_kind::chunked, 1024);
    std::size_t used = 0;
    boost::system::error_code ec;
    CHECK(decode(decoder, wire, room, used, ec) == "hello world");
    CHECK_FALSE(ec);
    CHECK(decoder.is_done());
    CHECK(wire.substr(used) == "GET /next HTTP/1.1\r\n");  // the next request is left where it is
  }
}

TEST_CASE("a chunked body past its limit, or malformed, fails") {
  boost::system::error_code ec;
  std::size_t used = 0;
  body_decoder<true> small(body_kind::chunked, 10);
  decode(small, "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", 64, used, ec);
  CHECK(ec == http::error::body_limit);
  for (const char* bad : {"zz\r\nhello\r\n0\r\n\r\n", "5\r\nhello0\r\n\r\n", "-5\r\nhello\r\n0\r\n\r\n",
                          "fffffffffffffffff\r\nx\r\n0\r\n\r\n"}) {
    CAPTURE(bad);
    body_decoder<true> decoder(body_kind::chunked, 1 << 20);
    ec = {};
    decode(decoder, bad, 64, used, ec);
    CHECK(ec);
    CHECK_FALSE(decoder.is_done());
  }
}

TEST_CASE("a response body until close ends only at the end of the stream") {
  body_decoder<false> decoder(body_kind::until_close, std::numeric_limits<std::uint64_t>::max());
  std::size_t used = 0;
  boost::system::error_code ec;
  CHECK(decode(decoder, "legacy page\r\n\r\n0\r\n\r\n", 8, used, ec) == "legacy page\r\n\r\n0\r\n\r\n");
  CHECK_FALSE(ec);
  CHECK_FALSE(decoder.is_done());
  CHECK(decoder.need_eof());
  decoder.put_eof(ec);
  CHECK_FALSE(ec);
  CHECK(decoder.is_done());
}

TEST_CASE("a chunked response body decodes as a request's does") {
  body_decoder<false> decoder(body_kind::chunked, std::numeric_limits<std::uint64_t>::max());
  std::size_t used = 0;
  boost::system::error_code ec;
  CHECK(decode(decoder, "3\r\nabc\r\n0\r\n\r\n", 2, used, ec) == "abc");
  CHECK(decoder.is_done());
  CHECK_FALSE(decoder.need_eof());
}
