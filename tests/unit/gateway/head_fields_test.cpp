#include "gateway/http/head_fields.hpp"

#include <doctest/doctest.h>

#include <iterator>
#include <string>
#include <vector>

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>

#include "gateway/http/head_parser.hpp"

using namespace sekisho::gateway;

namespace {

std::string head_with(int fields) {
  std::string head = "HTTP/1.1 200 OK\r\n";
  for (int i = 0; i < fields; ++i)
    head += "X-Field-" + std::to_string(i) + ": " + std::string(50, static_cast<char>('a' + i % 26)) + "\r\n";
  return head + "Content-Length: 0\r\n\r\n";
}

template <class Parser>
void parse(Parser& parser, const std::string& head) {
  parser.header_limit(64 * 1024);
  boost::system::error_code ec;
  parser.put(boost::asio::buffer(head), ec);
  REQUIRE_FALSE(ec);
  REQUIRE(parser.is_header_done());
}

struct seen {
  http::field id;
  std::string name, value;
  bool operator==(const seen&) const = default;
};

template <class Fields>
std::vector<seen> fields_of(const Fields& f) {
  std::vector<seen> out;
  for (const auto& x : f) out.push_back({x.name(), std::string(x.name_string()), std::string(x.value())});
  return out;
}

std::vector<std::string> names_of(const head_fields& f) {
  std::vector<std::string> out;
  for (const auto& x : f) out.emplace_back(x.name_string());
  return out;
}

}  // namespace

TEST_CASE("heads parsed into a request's arena keep every field, past its buffer too, request after request") {
  head_arena arena;
  for (int round = 0; round < 3; ++round) {
    for (int fields : {3, 300}) {  // 300 fields: about 20 KiB, more than the arena's own 8 KiB
      const auto head = head_with(fields);
      response_parser parser(arena);
      parse(parser, head);
      const auto& m = parser.get();
      CHECK(std::distance(m.begin(), m.end()) == fields + 1);
      CHECK(m["X-Field-0"] == std::string(50, 'a'));
      CHECK(m["X-Field-" + std::to_string(fields - 1)] == std::string(50, static_cast<char>('a' + (fields - 1) % 26)));
      CHECK(m.result_int() == 200);
      CHECK(m.reason() == "OK");
    }
    arena.reset();  // the parsers are gone: the next request starts on the buffer again
  }
}

TEST_CASE("a head kept whole in the arena is read in place; any other head's fields are copied into it") {
  const auto in = [](std::string_view inner, std::string_view outer) {
    return inner.data() >= outer.data() && inner.data() + inner.size() <= outer.data() + outer.size();
  };
  head_arena arena;
  std::string buffer = "GET /chart HTTP/1.1\r\nHost: ehr.example.jp\r\nCookie: a=1\r\n\r\n";
  const auto kept = arena.keep(buffer);
  CHECK(kept == buffer);
  CHECK(arena.holds(kept));
  CHECK_FALSE(arena.holds(buffer));
  {
    request_parser parser(arena);
    boost::system::error_code ec;
    parser.put(boost::asio::buffer(kept.data(), kept.size()), ec);
    REQUIRE(parser.is_header_done());
    for (const auto& f : parser.get()) {
      CHECK(in(f.name_string(), kept));
      CHECK(in(f.value(), kept));
    }
    CHECK(in(parser.get().target(), kept));
  }
  {
    // Not kept: the connection's buffer is reused after the head, so every name and value is copied.
    request_parser parser(arena);
    parse(parser, buffer);
    buffer.assign(buffer.size(), 'x');
    CHECK(parser.get()[http::field::host] == "ehr.example.jp");
    CHECK(parser.get()["Cookie"] == "a=1");
    CHECK(parser.get().target() == "/chart");
  }
  arena.reset();
  CHECK_FALSE(arena.holds(kept));  // given back: a new head's views can no longer be mistaken for kept ones
}

TEST_CASE("a head reads the same as through Beast's own fields: names, values, order, framing, keep-alive") {
  const std::vector<std::string> heads = {
      "GET /a?b=c HTTP/1.1\r\nHost: ehr.example\r\nCookie: a=1\r\ncookie: b=2\r\nX-Thing:  padded \t\r\n"
      "Connection: keep-alive, Upgrade\r\n\r\n",
      "POST /form HTTP/1.0\r\nHost: x\r\nContent-Length: 12\r\nConnection: Keep-Alive\r\nX_Odd_Name: 1\r\n\r\n",
      "PUT /up HTTP/1.1\r\nhost: x\r\nTransfer-Encoding: gzip, chunked\r\nConnection: close\r\n\r\n",
      "PROPFIND /dav HTTP/1.1\r\nHost: x\r\nDepth: 1\r\nEmpty:\r\n\r\n",
  };
  for (const auto& head : heads) {
    CAPTURE(head);
    head_arena arena;
    request_parser ours(arena);
    parse(ours, head);
    http::request_parser<http::empty_body> beast;
    parse(beast, head);
    const auto& a = ours.get();
    const auto& b = beast.get();
    CHECK(fields_of(a) == fields_of(b));
    CHECK(a.method() == b.method());
    CHECK(a.method_string() == b.method_string());
    CHECK(a.target() == b.target());
    CHECK(a.version() == b.version());
    CHECK(a.keep_alive() == b.keep_alive());
    CHECK(a.chunked() == b.chunked());
    CHECK(a.has_content_length() == b.has_content_length());
    CHECK((ours.content_length() == beast.content_length()));
  }
}

TEST_CASE("fields keep the head's order, repeated names too, where Beast's fields would group them") {
  head_arena arena;
  request_parser parser(arena);
  parse(parser, "GET / HTTP/1.1\r\nCookie: a=1\r\nHost: x\r\nCOOKIE: b=2\r\nAccept: */*\r\ncookie: c=3\r\n\r\n");
  CHECK(names_of(parser.get()) == std::vector<std::string>{"Cookie", "Host", "COOKIE", "Accept", "cookie"});
  CHECK(parser.get().count(http::field::cookie) == 3);
}

TEST_CASE("lookups ignore case; insert appends; set replaces every such field with one at the end") {
  head_fields h;
  h.insert("Cookie", "a=1");
  h.insert("X-Custom", "one");
  h.insert(http::field::cookie, "b=2");
  h.insert("x-custom", "two");
  CHECK(h.count(http::field::cookie) == 2);
  CHECK(h.count("COOKIE") == 2);
  CHECK(h.count("X-CUSTOM") == 2);
  CHECK(h[http::field::cookie] == "a=1");
  CHECK(h["x-Custom"] == "one");
  CHECK(h["Missing"].empty());
  CHECK(h.find(http::field::host) == h.end());
  CHECK(h.find("cookie")->name() == http::field::cookie);  // a known name inserted as text gets its code

  h.set("X-CUSTOM", "three");
  CHECK(names_of(h) == std::vector<std::string>{"Cookie", "Cookie", "X-CUSTOM"});
  CHECK(h["x-custom"] == "three");
  h.set(http::field::cookie, h[http::field::cookie]);  // a value that views the field it replaces
  CHECK(names_of(h) == std::vector<std::string>{"X-CUSTOM", "Cookie"});
  CHECK(h[http::field::cookie] == "a=1");

  CHECK(h.erase("x-custom") == 1);
  CHECK(h.erase("x-custom") == 0);
  h.insert("A", "1");
  h.insert("B", " 2\t");  // stored trimmed, as Beast stores it
  CHECK(h["B"] == "2");
  auto it = h.erase(h.find("A"));
  CHECK(it->name_string() == "B");
  h.clear();
  CHECK(h.begin() == h.end());
}

TEST_CASE("the framing and keep-alive a response is given are written as Beast writes them") {
  http::response<http::empty_body, head_fields> ours;
  http::response<http::empty_body> beast;
  const auto same = [&] { CHECK(fields_of(ours) == fields_of(beast)); };
  ours.insert(http::field::transfer_encoding, "gzip");
  beast.insert(http::field::transfer_encoding, "gzip");
  ours.chunked(true);
  beast.chunked(true);
  same();
  CHECK(ours[http::field::transfer_encoding] == "gzip, chunked");
  ours.chunked(false);
  beast.chunked(false);
  same();
  ours.content_length(1234);
  beast.content_length(1234);
  same();
  CHECK(ours[http::field::content_length] == "1234");
  for (unsigned version : {10u, 11u})
    for (bool keep : {true, false}) {
      ours.version(version);
      beast.version(version);
      ours.keep_alive(keep);
      beast.keep_alive(keep);
      same();
      CHECK(ours.keep_alive() == keep);
    }
  ours.chunked(true);
  beast.chunked(true);
  same();
  CHECK_FALSE(ours.has_content_length());
}

TEST_CASE("a chunked body is read piece by piece into the buffer the caller lends") {
  head_arena arena;
  request_parser parser(arena);
  const std::string message = "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
  boost::system::error_code ec;
  auto used = parser.put(boost::asio::buffer(message), ec);
  REQUIRE(parser.is_header_done());
  std::string body;
  char piece[4];
  for (int rounds = 0; !parser.is_done() && rounds < 100; ++rounds) {
    parser.get().body().data = piece;
    parser.get().body().size = sizeof piece;
    used += parser.put(boost::asio::buffer(message.data() + used, message.size() - used), ec);
    if (ec == http::error::need_buffer) ec = {};
    REQUIRE_FALSE(ec);
    body.append(piece, sizeof piece - parser.get().body().size);
  }
  CHECK(parser.is_done());
  CHECK(body == "hello world");
}
