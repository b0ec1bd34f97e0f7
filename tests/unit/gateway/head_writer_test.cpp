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

// The same head built with Beast's own fields, which its serializer writes: `build` runs on each.
template <bool is_request, class Build>
std::string as_beast_writes_it(Build build) {
  http::message<is_request, http::empty_body> m;
  build(m);
  http::serializer<is_request, http::empty_body> sr{m};
  std::string out;
  beast::error_code ec;
  while (!sr.is_done() && !ec)
    sr.next(ec, [&](beast::error_code&, const auto& buffers) {
      out += beast::buffers_to_string(buffers);
      sr.consume(beast::buffer_bytes(buffers));
    });
  return out;
}

template <bool is_request, class Build>
void check_written_as_beast_writes(Build build) {
  http::message<is_request, http::empty_body, head_fields> m;
  build(m);
  std::string mine;
  append_head(mine, m);
  CHECK(mine == as_beast_writes_it<is_request>(build));
}

}  // namespace

TEST_CASE("a request head: method, target, version and every field in order, duplicates kept") {
  for (unsigned version : {10u, 11u})
    check_written_as_beast_writes<true>([version](auto& req) {
      req.method(http::verb::get);
      req.target("/karte/list?patient=0042&q=%E5%B1%B1");
      req.version(version);
      req.set(http::field::host, "ehr.example.jp");
      req.insert("X-Custom", "a");
      req.insert("X-Custom", "b");
      req.insert(http::field::cookie, "lang=ja");
      req.set("Remote-User", "yamada");
    });
  const auto odd = [](auto& req) {
    req.method_string("PROPFIND");
    req.target("*");
    req.version(11);
  };
  check_written_as_beast_writes<true>(odd);
  http::request<http::empty_body, head_fields> m;
  odd(m);
  std::string mine;
  append_head(mine, m);
  CHECK(mine == "PROPFIND * HTTP/1.1\r\n\r\n");
}

TEST_CASE("a response head: the upstream's own reason phrase, or the standard one when it sent none") {
  const auto own_reason = [](auto& res) {
    res.result(http::status::ok);
    res.version(11);
    res.reason("Daijoubu");
    res.set(http::field::content_type, "text/html; charset=Shift_JIS");
    res.insert(http::field::set_cookie, "a=1; Path=/");
    res.insert(http::field::set_cookie, "b=2; Path=/");
  };
  check_written_as_beast_writes<false>(own_reason);
  http::response<http::empty_body, head_fields> res;
  own_reason(res);
  std::string mine;
  append_head(mine, res);
  CHECK(mine.starts_with("HTTP/1.1 200 Daijoubu\r\n"));

  for (auto status : {http::status::not_found, http::status::switching_protocols, http::status::gateway_timeout})
    check_written_as_beast_writes<false>([status](auto& plain) {
      plain.result(status);
      plain.version(10);
      plain.set(http::field::content_length, "0");
    });
}

TEST_CASE("heads are appended: what the buffer already holds stays in front") {
  http::response<http::empty_body, head_fields> res{http::status::no_content, 11};
  std::string out = "kept";
  append_head(out, res);
  CHECK(out == "keptHTTP/1.1 204 No Content\r\n\r\n");
}
