#include "gateway/http/head_fields.hpp"

#include <doctest/doctest.h>

#include <iterator>
#include <string>
#include <vector>

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>

#include "gateway/http/head_reader.hpp"
#include "tests/unit/gateway/fields_seen.hpp"

using namespace sekisho::gateway;
using namespace sekisho::gateway::testing;

namespace {

std::string head_with(int fields) {
  std::string head = "HTTP/1.1 200 OK\r\n";
  for (int i = 0; i < fields; ++i)
    head += "X-Field-" + std::to_string(i) + ": " + std::string(50, static_cast<char>('a' + i % 26)) + "\r\n";
  return head + "Content-Length: 0\r\n\r\n";
}

std::vector<std::string> names_of(const head_fields& f) {
  std::vector<std::string> out;
  for (const auto& x : f) out.emplace_back(x.name_string());
  return out;
}

}  // namespace

TEST_CASE("heads read into a request's arena keep every field, past its buffer too, request after request") {
  head_arena arena;
  for (int round = 0; round < 3; ++round) {
    for (int fields : {3, 300}) {  // 300 fields: about 20 KiB, more than the arena's own 8 KiB
      auto head = head_with(fields);
      response_head m(arena);
      REQUIRE(read_response_head(head, m, false));
      CHECK(std::distance(m.begin(), m.end()) == fields + 1);
      CHECK(m["X-Field-0"] == std::string(50, 'a'));
      CHECK(m["X-Field-" + std::to_string(fields - 1)] == std::string(50, static_cast<char>('a' + (fields - 1) % 26)));
      CHECK(m.result_int() == 200);
      CHECK(m.reason() == "OK");
    }
    arena.reset();  // the heads are gone: the next request starts on the buffer again
  }
}

TEST_CASE("a kept head's text is the arena's until it is reset") {
  head_arena arena;
  const std::string text = "GET /chart HTTP/1.1\r\nHost: ehr.example.jp\r\n\r\n";
  const auto kept = arena.keep(text);
  const std::string_view view(kept.data(), kept.size());
  CHECK(view == text);
  CHECK(arena.holds(view));
  CHECK_FALSE(arena.holds(text));
  arena.reset();
  CHECK_FALSE(arena.holds(view));  // given back: a new head's views can no longer be mistaken for kept ones
}

TEST_CASE("fields keep the head's order, repeated names too, where Beast's fields would group them") {
  head_arena arena;
  request_head req(arena);
  REQUIRE(read_request_head("GET / HTTP/1.1\r\nCookie: a=1\r\nHost: x\r\nCOOKIE: b=2\r\nAccept: */*\r\ncookie: c=3\r\n\r\n", req));
  CHECK(names_of(req) == std::vector<std::string>{"Cookie", "Host", "COOKIE", "Accept", "cookie"});
  CHECK(req.count(http::field::cookie) == 3);
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

TEST_CASE("keep-alive is read from a Connection list as Beast reads it") {
  for (const char* connection : {"close", "Close", " keep-alive ", "Keep-Alive, Upgrade", "x-hop, CLOSE", ", ,close,",
                                 "closed", "keep-alive-ish", "upgrade", "x,\tkeep-alive"})
    for (unsigned version : {10u, 11u}) {
      CAPTURE(connection);
      CAPTURE(version);
      http::request<http::empty_body, head_fields> ours;
      http::request<http::empty_body> beast;
      ours.version(version);
      beast.version(version);
      ours.insert(http::field::connection, connection);
      beast.insert(http::field::connection, connection);
      CHECK(ours.keep_alive() == beast.keep_alive());
    }
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

