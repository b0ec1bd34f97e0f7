#include "gateway/http/head_fields.hpp"

#include <doctest/doctest.h>

#include <string>

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>

using namespace sekisho::gateway;

namespace {

using response_parser = http::parser<false, http::empty_body, head_allocator>;

std::string head_with(int fields) {
  std::string head = "HTTP/1.1 200 OK\r\n";
  for (int i = 0; i < fields; ++i)
    head += "X-Field-" + std::to_string(i) + ": " + std::string(50, static_cast<char>('a' + i % 26)) + "\r\n";
  return head + "Content-Length: 0\r\n\r\n";
}

}  // namespace

TEST_CASE("heads parsed into a request's arena keep every field, past its buffer too, request after request") {
  head_arena arena;
  for (int round = 0; round < 3; ++round) {
    for (int fields : {3, 150}) {  // 150 fields: about 10 KiB, more than the arena's own 4 KiB
      const auto head = head_with(fields);
      response_parser parser(std::piecewise_construct, std::make_tuple(), std::make_tuple(arena.allocator()));
      parser.header_limit(64 * 1024);
      boost::system::error_code ec;
      parser.put(boost::asio::buffer(head), ec);
      REQUIRE_FALSE(ec);
      REQUIRE(parser.is_header_done());
      const auto& m = parser.get();
      CHECK(std::distance(m.begin(), m.end()) == fields + 1);
      CHECK(m["X-Field-0"] == std::string(50, 'a'));
      CHECK(m["X-Field-" + std::to_string(fields - 1)] == std::string(50, static_cast<char>('a' + (fields - 1) % 26)));
      CHECK(m.get_allocator().resource() == arena.allocator().resource());
    }
    arena.reset();  // the parsers are gone: the next request starts on the buffer again
  }
}
