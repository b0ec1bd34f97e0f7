// Where a request or response head ends in the bytes read so far: the gateway reads until this says so.
#include "gateway/http/request_head.hpp"

#include <doctest/doctest.h>

using namespace sekisho::gateway;

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
  CHECK_FALSE(check_request_head("GET / HTTP/1.1\nHost: a\n\r\n"));
}
