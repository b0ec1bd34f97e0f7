// Reading request and response heads: where a head ends, what the gateway refuses (the request smuggling
// forms), how the body is framed, and that every head it accepts reads as Beast's own parser reads it.
#include "gateway/http/head_reader.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>

#include "tests/unit/gateway/fields_seen.hpp"

using namespace sekisho::gateway;
using namespace sekisho::gateway::testing;

namespace {

struct read_request {
  head_arena arena;
  request_head head{arena};
  sekisho::result<body_framing> body;
  explicit read_request(const std::string& text) : body(read_request_head(text, head)) {}
};

struct read_response {
  std::string text;
  head_arena arena;
  response_head head{arena};
  sekisho::result<body_framing> body;
  read_response(std::string t, bool to_head_request = false)
      : text(std::move(t)), body(read_response_head(text, head, to_head_request)) {}
};

template <bool is_request>
void parse_with_beast(http::parser<is_request, http::empty_body>& beast, const std::string& text) {
  beast.header_limit(64 * 1024);
  beast.skip(false);
  boost::system::error_code ec;
  beast.put(boost::asio::buffer(text), ec);
  REQUIRE_FALSE(ec);
  REQUIRE(beast.is_header_done());
}

bool refused_request(const std::string& text) { return !read_request(text).body; }

// What a request and a response head have in common, as read by the gateway and by Beast.
template <class Ours, class Beasts>
void check_same_head(const Ours& a, const Beasts& b) {
  CHECK(fields_of(a) == fields_of(b));
  CHECK(a.version() == b.version());
  CHECK(a.keep_alive() == b.keep_alive());
  CHECK(a.chunked() == b.chunked());
}

}  // namespace

TEST_CASE("a head ends after its first blank line, whatever follows it") {
  CHECK(find_head_end("GET / HTTP/1.1\r\nHost: a\r\n\r\n") == 27);
  CHECK(find_head_end("GET / HTTP/1.1\r\nHost: a\r\n\r\nbody\r\n\r\nmore") == 27);
  CHECK(find_head_end("HTTP/1.1 200 OK\r\n\r\n<p>\n\n</p>") == 19);
}

TEST_CASE("no blank line yet: nothing, however the bytes are cut") {
  const std::string head = "GET /karte HTTP/1.1\r\nHost: ehr\r\nCookie: a=b\r\n\r\n";
  for (std::size_t cut = 0; cut < head.size(); ++cut) CHECK(find_head_end(head.substr(0, cut)) == 0);
  CHECK(find_head_end(head) == head.size());
  CHECK(find_head_end("") == 0);
  CHECK(find_head_end("\r") == 0);
}

TEST_CASE("a blank line of bare LFs ends the head too, so the bad head is answered instead of waited on") {
  CHECK(find_head_end("GET / HTTP/1.1\n\n") == 16);
  CHECK(find_head_end("GET / HTTP/1.1\nHost: a\n\r\n") == 25);
  CHECK(find_head_end("GET / HTTP/1.1\r\nHost: a\r\n\nX") == 26);
  CHECK(find_head_end("\n\n") == 2);
  CHECK(refused_request("GET / HTTP/1.1\nHost: a\n\r\n"));
  CHECK(refused_request("GET / HTTP/1.1\r\nHost: a\r\n\n"));
}

TEST_CASE("a request head: its line, its fields trimmed and in order, and its body's framing") {
  read_request r("POST /karte/123?tab=1 HTTP/1.1\r\nHost: ehr.example.jp\r\nX-Note:  padded \t\r\nEmpty:\r\n"
                 "Content-Length: 42\r\n\r\n");
  REQUIRE(r.body);
  CHECK(r.body->kind == body_kind::length);
  CHECK(r.body->length == 42);
  CHECK(r.head.method() == http::verb::post);
  CHECK(r.head.target() == "/karte/123?tab=1");
  CHECK(r.head.version() == 11);
  CHECK(fields_of(r.head) == std::vector<seen>{{http::field::host, "Host", "ehr.example.jp"},
                                               {http::field::unknown, "X-Note", "padded"},
                                               {http::field::unknown, "Empty", ""},
                                               {http::field::content_length, "Content-Length", "42"}});

  CHECK(read_request("GET / HTTP/1.1\r\nHost: a\r\n\r\n").body->kind == body_kind::none);
  CHECK(read_request("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n").body->kind == body_kind::none);
  CHECK(read_request("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n").body->kind == body_kind::chunked);
  read_request old("GET /old HTTP/1.0\r\n\r\n");  // HTTP/1.0 needs no Host
  REQUIRE(old.body);
  CHECK(old.head.version() == 10);
  read_request dav("PROPFIND /dav HTTP/1.1\r\nHost: a\r\n\r\n");
  REQUIRE(dav.body);
  CHECK(dav.head.method() == http::verb::propfind);
  read_request own("BREW /pot HTTP/1.1\r\nHost: a\r\n\r\n");  // a method Beast does not know keeps its name
  REQUIRE(own.body);
  CHECK(own.head.method() == http::verb::unknown);
  CHECK(own.head.method_string() == "BREW");
}

TEST_CASE("every form of request smuggling and every malformed request head is refused") {
  const std::string host = "Host: ehr.test\r\n";
  const std::vector<std::string> refused = {
      // framing
      "POST / HTTP/1.1\r\n" + host + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
      "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
      "POST / HTTP/1.1\r\n" + host + "Content-Length: 0\r\nContent-Length: 44\r\n\r\n",
      "POST / HTTP/1.1\r\n" + host + "Content-Length: 5\r\nContent-Length: 5\r\n\r\n",
      "POST / HTTP/1.1\r\n" + host + "Content-Length: 0, 44\r\n\r\n",
      "POST / HTTP/1.1\r\n" + host + "Content-Length: 5, 5\r\n\r\n",
      "POST / HTTP/1.1\r\n" + host + "Content-Length: +0\r\n\r\n",
      "POST / HTTP/1.1\r\n" + host + "Content-Length: -1\r\n\r\n",
      "POST / HTTP/1.1\r\n" + host + "Content-Length: 0x0\r\n\r\n",
      "POST / HTTP/1.1\r\n" + host + "Content-Length: \r\n\r\n",
      "POST / HTTP/1.1\r\n" + host + "Content-Length: 1 2\r\n\r\n",
      "POST / HTTP/1.1\r\n" + host + "Content-Length: 18446744073709551616\r\n\r\n",
      "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: gzip\r\n\r\n",
      "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked, gzip\r\n\r\n",
      "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: gzip, chunked\r\n\r\n",
      "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked, chunked\r\n\r\n",
      "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n",
      "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: xchunked\r\n\r\n",
      "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked;x=1\r\n\r\n",
      "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding:\x0b" "chunked\r\n\r\n",
      "POST / HTTP/1.0\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n",
      // field syntax
      "POST / HTTP/1.1\r\n" + host + "Transfer-Encoding : chunked\r\n\r\n",
      "GET / HTTP/1.1\r\nHost : ehr.test\r\n\r\n",
      "GET / HTTP/1.1\r\n" + host + "X-Note: one\r\n\ttwo\r\n\r\n",
      "GET / HTTP/1.1\r\n" + host + "X-Note: one\r\n two\r\n\r\n",
      "GET / HTTP/1.1\r\n X-Note: first\r\n" + host + "\r\n",
      "GET / HTTP/1.1\r\n" + host + "X-Note: a\rb\r\n\r\n",
      "GET / HTTP/1.1\r\n" + host + "X-Note: a\nb\r\n\r\n",
      "GET / HTTP/1.1\r\n" + host + std::string("X-Note: a\0b\r\n\r\n", 15),
      "GET / HTTP/1.1\r\n" + host + "X-Note: a\x7f\r\n\r\n",
      "GET / HTTP/1.1\r\n" + host + "X-Note: a\x01\r\n\r\n",
      "GET / HTTP/1.1\r\n" + host + "No colon here\r\n\r\n",
      "GET / HTTP/1.1\r\n" + host + ": no name\r\n\r\n",
      "GET / HTTP/1.1\r\n" + host + "Bad(name): 1\r\n\r\n",
      "GET / HTTP/1.1\r\n" + host + "Connection: keep-alive x\r\n\r\n",
      "GET / HTTP/1.1\r\n" + host + "Proxy-Connection: @\r\n\r\n",
      "GET / HTTP/1.1\r\n" + host + "\r\nX-After: blank\r\n\r\n",
      "GET / HTTP/1.1\rHost: ehr.test\r\n\r\n",
      // the request line
      "GET /a HTTP/1.1 \r\n" + host + "\r\n",
      "GET  /a HTTP/1.1\r\n" + host + "\r\n",
      "GET /a b HTTP/1.1\r\n" + host + "\r\n",
      "GET /\xe3\x81\x82 HTTP/1.1\r\n" + host + "\r\n",
      "GET / HTTP/2.0\r\n" + host + "\r\n",
      "GET / HTTP/1.2\r\n" + host + "\r\n",
      "GET / http/1.1\r\n" + host + "\r\n",
      "GET /\r\n" + host + "\r\n",
      "G(T / HTTP/1.1\r\n" + host + "\r\n",
      " GET / HTTP/1.1\r\n" + host + "\r\n",
      "\r\n",
      "",
      "GET / HTTP/1.1\r\n" + host,  // no blank line
      // Host
      "GET / HTTP/1.1\r\n\r\n",
      "GET / HTTP/1.1\r\n" + host + "Host: evil.example\r\n\r\n",
      "GET / HTTP/1.0\r\n" + host + host + "\r\n",
  };
  for (const auto& text : refused) {
    CAPTURE(text);
    CHECK(refused_request(text));
  }
}

TEST_CASE("a control character anywhere in a long value is found, whichever way the value is scanned") {
  // Values are scanned eight bytes at a time while no byte is a control: a control at every offset, so that it
  // falls in every position of a word and in the bytes after the last whole word.
  const std::string clean = "Shift_JIS \x83\x65\x83\x58\x83\x67 caf\xc3\xa9 ~!#$%&'()*+,-./:;<=>?@[\\]^_`{|}";
  for (std::size_t at = 0; at < clean.size(); ++at)
    for (char control : {'\0', '\x01', '\x0b', '\r', '\n', '\x1f', '\x7f'}) {
      std::string value = clean;
      value[at] = control;
      CAPTURE(at);
      CAPTURE(static_cast<int>(control));
      CHECK(refused_request("GET / HTTP/1.1\r\nHost: a\r\nX-Value: " + value + "\r\n\r\n"));
      CHECK_FALSE(read_response("HTTP/1.1 200 OK\r\nX-Value: " + value + "\r\nContent-Length: 0\r\n\r\n").body);
    }
  std::string tabbed = clean;
  tabbed[9] = '\t';  // a tab is whitespace, not a control, wherever it is
  read_request r("GET / HTTP/1.1\r\nHost: a\r\nX-Value: " + tabbed + "\r\n\r\n");
  REQUIRE(r.body);
  CHECK(r.head["X-Value"] == tabbed);
}

TEST_CASE("a request head reads as Beast's parser reads it: names, values, order, framing, keep-alive") {
  const std::vector<std::string> heads = {
      "GET /a?b=c HTTP/1.1\r\nHost: ehr.example\r\nCookie: a=1\r\ncookie: b=2\r\nX-Thing:  padded \t\r\n"
      "Connection: keep-alive, Upgrade\r\n\r\n",
      "POST /form HTTP/1.0\r\nHost: x\r\nContent-Length: 12\r\nConnection: Keep-Alive\r\nX_Odd_Name: 1\r\n\r\n",
      "PUT /up HTTP/1.1\r\nhost: x\r\nTransfer-Encoding: chunked\r\nConnection: , close,,\tx \r\n\r\n",
      "PROPFIND /dav HTTP/1.1\r\nHost: x\r\nDepth: 1\r\nEmpty:\r\nX-Obs: caf\xc3\xa9\r\n\r\n",
  };
  for (const auto& text : heads) {
    CAPTURE(text);
    read_request ours(text);
    REQUIRE(ours.body);
    http::request_parser<http::empty_body> beast;
    parse_with_beast(beast, text);
    const auto& a = ours.head;
    const auto& b = beast.get();
    check_same_head(a, b);
    CHECK(a.method() == b.method());
    CHECK(a.method_string() == b.method_string());
    CHECK(a.target() == b.target());
    CHECK(a.has_content_length() == b.has_content_length());
    CHECK((ours.body->kind == body_kind::length) == beast.content_length().has_value());
    if (ours.body->kind == body_kind::length) CHECK(ours.body->length == *beast.content_length());
  }
}

TEST_CASE("a request head kept whole in the arena is read in place; any other head's fields are copied into it") {
  const auto in = [](std::string_view inner, std::span<char> outer) {
    return inner.data() >= outer.data() && inner.data() + inner.size() <= outer.data() + outer.size();
  };
  head_arena arena;
  std::string buffer = "GET /chart HTTP/1.1\r\nHost: ehr.example.jp\r\nCookie: a=1\r\n\r\n";
  const auto kept = arena.keep(buffer);
  {
    request_head req(arena);
    REQUIRE(read_request_head({kept.data(), kept.size()}, req));
    for (const auto& f : req) {
      CHECK(in(f.name_string(), kept));
      CHECK(in(f.value(), kept));
    }
    CHECK(in(req.target(), kept));
  }
  {
    // Not kept: the connection's buffer is reused after the head, so every name and value is copied.
    request_head req(arena);
    REQUIRE(read_request_head(buffer, req));
    buffer.assign(buffer.size(), 'x');
    CHECK(req[http::field::host] == "ehr.example.jp");
    CHECK(req["Cookie"] == "a=1");
    CHECK(req.target() == "/chart");
  }
}

TEST_CASE("a response head: its status line, and how its body is framed") {
  read_response ok("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2048\r\n\r\n");
  REQUIRE(ok.body);
  CHECK(ok.head.result_int() == 200);
  CHECK(ok.head.reason() == "OK");
  CHECK(ok.head.version() == 11);
  CHECK(ok.body->kind == body_kind::length);
  CHECK(ok.body->length == 2048);

  CHECK(read_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n").body->kind == body_kind::chunked);
  CHECK(read_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n").body->kind == body_kind::chunked);
  CHECK(read_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n").body->kind == body_kind::until_close);
  CHECK(read_response("HTTP/1.0 200 OK\r\n\r\n").body->kind == body_kind::until_close);
  CHECK(read_response("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n").body->kind == body_kind::none);
  CHECK(read_response("HTTP/1.1 200 OK\r\nContent-Length: 7, 7\r\nContent-Length: 7\r\n\r\n").body->length == 7);
  for (const char* bodiless : {"HTTP/1.1 204 No Content\r\n\r\n", "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n",
                               "HTTP/1.1 100 Continue\r\n\r\n", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n",
                               "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"}) {
    CAPTURE(bodiless);
    CHECK(read_response(bodiless).body->kind == body_kind::none);
  }
  CHECK(read_response("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", true).body->kind == body_kind::none);  // to HEAD
  CHECK(read_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", true).body->kind == body_kind::none);

  read_response bare("HTTP/1.1 404\r\n\r\n");  // no reason, no space before it
  REQUIRE(bare.body);
  CHECK(bare.head.result_int() == 404);
  CHECK(bare.head.reason() == "Not Found");  // Beast's, for a status without one
  read_response long_reason("HTTP/1.0 500 Internal Server Error (\xe5\x86\x85\xe9\x83\xa8)\r\n\r\n");
  REQUIRE(long_reason.body);
  CHECK(long_reason.head.reason() == "Internal Server Error (\xe5\x86\x85\xe9\x83\xa8)");
}

TEST_CASE("a response that could be read two ways is refused (502), not guessed at") {
  for (const char* text : {
           "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
           "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
           "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: 5 5\r\n\r\n",
           "HTTP/1.1 200 OK\r\nX-Bad : 1\r\n\r\n",
           "HTTP/1.1 200 OK\r\nConnection: close;\r\n\r\n",
           "HTTP/1.1 200 OK\r\nX-Bad: a\rb\r\n\r\n",
           "HTTP/1.1 200 OK\r\n folded-first: 1\r\n\r\n",
           "HTTP/1.1 2000 OK\r\n\r\n",
           "HTTP/1.1 20 OK\r\n\r\n",
           "HTTP/1.1 099 Odd\r\n\r\n",
           "HTTP/1.1 200 O\x01K\r\n\r\n",
           "HTTP/2 200 OK\r\n\r\n",
           "HTTP/1.1200 OK\r\n\r\n",
           "ICY 200 OK\r\n\r\n",
           "HTTP/1.1 200 OK\r\n",
       }) {
    CAPTURE(text);
    CHECK_FALSE(read_response(text).body);
  }
}

TEST_CASE("a response's obs-fold is unfolded in place into spaces, as Beast unfolds it") {
  read_response r("HTTP/1.1 200 OK\r\nX-Legacy: one\r\n\t two\r\n  three\r\nContent-Length: 0\r\n\r\n");
  REQUIRE(r.body);
  const auto value = r.head["X-Legacy"];
  CHECK(value.find_first_of("\r\n\t") == std::string_view::npos);
  CHECK(value.starts_with("one "));
  CHECK(value.ends_with(" three"));
  CHECK(value.find(" two ") != std::string_view::npos);
  http::response_parser<http::empty_body> beast;
  parse_with_beast(beast, "HTTP/1.1 200 OK\r\nX-Legacy: one\r\n\t two\r\n  three\r\nContent-Length: 0\r\n\r\n");
  const auto words = [](std::string_view v) {
    std::vector<std::string> out;
    for (std::size_t at = 0; at < v.size();) {
      const auto end = std::min(v.find(' ', at), v.size());
      if (end > at) out.emplace_back(v.substr(at, end - at));
      at = end + 1;
    }
    return out;
  };
  CHECK(words(value) == words(beast.get()["X-Legacy"]));
}

TEST_CASE("a response head reads as Beast's parser reads it") {
  const std::vector<std::string> heads = {
      "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: text/html; charset=Shift_JIS\r\nContent-Length: 10\r\n"
      "Set-Cookie: a=1; Path=/\r\nset-cookie: b=2\r\nConnection: keep-alive\r\n\r\n",
      "HTTP/1.0 302 Found\r\nLocation: http://10.0.0.7:8080/login\r\nX-Empty:\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nConnection: close\r\n\r\n",
      "HTTP/1.1 404 \r\nContent-Length: 0\r\n\r\n",
  };
  for (const auto& text : heads) {
    CAPTURE(text);
    read_response ours(text);
    REQUIRE(ours.body);
    http::response_parser<http::empty_body> beast;
    parse_with_beast(beast, text);
    const auto& a = ours.head;
    const auto& b = beast.get();
    check_same_head(a, b);
    CHECK(a.result_int() == b.result_int());
    CHECK(a.reason() == b.reason());
    CHECK((ours.body->kind == body_kind::until_close) == beast.need_eof());
  }
}
