// The heads the proxy writes itself must be byte for byte what Beast's serializer would have sent: the
// upstream and the client parse them, and a difference would be a framing bug.
#include "gateway/http/head_writer.hpp"

#include <doctest/doctest.h>

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/serializer.hpp>

using namespace sekisho::gateway;
namespace beast = boost::beast;

namespace {

template <bool is_request>
std::string as_beast_writes_it(http::message<is_request, http::empty_body, head_fields>& m) {
  http::serializer<is_request, http::empty_body, head_fields> sr{m};
  std::string out;
  beast::error_code ec;
  while (!sr.is_done() && !ec)
    sr.next(ec, [&](beast::error_code&, const auto& buffers) {
      out += beast::buffers_to_string(buffers);
      sr.consume(beast::buffer_bytes(buffers));
    });
  return out;
}

}  // namespace

TEST_CASE("a request head: method, target, version and every field in order, duplicates kept") {
  for (unsigned version : {10u, 11u}) {
    http::request<http::empty_body, head_fields> req{http::verb::get, "/karte/list?patient=0042&q=%E5%B1%B1", version};
    req.set(http::field::host, "ehr.example.jp");
    req.insert("X-Custom", "a");
    req.insert("X-Custom", "b");
    req.insert(http::field::cookie, "lang=ja");
    req.set("Remote-User", "yamada");
    std::string mine;
    append_head(mine, req);
    CHECK(mine == as_beast_writes_it(req));
  }
  http::request<http::empty_body, head_fields> odd;
  odd.method_string("PROPFIND");
  odd.target("*");
  odd.version(11);
  std::string mine;
  append_head(mine, odd);
  CHECK(mine == "PROPFIND * HTTP/1.1\r\n\r\n");
  CHECK(mine == as_beast_writes_it(odd));
}

TEST_CASE("a response head: the upstream's own reason phrase, or the standard one when it sent none") {
  http::response<http::empty_body, head_fields> res{http::status::ok, 11};
  res.reason("Daijoubu");
  res.set(http::field::content_type, "text/html; charset=Shift_JIS");
  res.insert(http::field::set_cookie, "a=1; Path=/");
  res.insert(http::field::set_cookie, "b=2; Path=/");
  std::string mine;
  append_head(mine, res);
  CHECK(mine.starts_with("HTTP/1.1 200 Daijoubu\r\n"));
  CHECK(mine == as_beast_writes_it(res));

  for (auto status : {http::status::not_found, http::status::switching_protocols, http::status::gateway_timeout}) {
    http::response<http::empty_body, head_fields> plain{status, 10};
    plain.set(http::field::content_length, "0");
    std::string text;
    append_head(text, plain);
    CHECK(text == as_beast_writes_it(plain));
  }
}

TEST_CASE("heads are appended: what the buffer already holds stays in front") {
  http::response<http::empty_body, head_fields> res{http::status::no_content, 11};
  std::string out = "kept";
  append_head(out, res);
  CHECK(out == "keptHTTP/1.1 204 No Content\r\n\r\n");
}
