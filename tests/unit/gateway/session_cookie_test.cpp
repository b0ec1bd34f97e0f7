#include "gateway/http/session_cookie.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/session/session_id.hpp"

using namespace sekisho::gateway;

namespace {

const std::string id_a(sekisho::session::session_id_length, 'a');
const std::string id_b(sekisho::session::session_id_length, 'b');

head_fields with_cookies(std::initializer_list<std::string> headers) {
  head_fields h;
  h.insert(http::field::host, "ehr.example.jp");
  for (const auto& v : headers) h.insert(http::field::cookie, v);
  return h;
}

std::vector<std::string> cookie_headers(const head_fields& h) {
  std::vector<std::string> out;
  for (const auto& f : h)
    if (f.name() == http::field::cookie) out.emplace_back(f.value());
  return out;
}

}  // namespace

TEST_CASE("the session id is read from among other cookies, whitespace around it ignored") {
  CHECK(session_cookie(with_cookies({"lang=ja; __Host-sekisho=" + id_a + " ; theme=dark"})) == id_a);
  CHECK(session_cookie(with_cookies({"lang=ja", "__Host-sekisho=" + id_a})) == id_a);
  CHECK_FALSE(session_cookie(with_cookies({"lang=ja"})));
  CHECK_FALSE(session_cookie(with_cookies({})));
}

TEST_CASE("two different session ids, in one header or two, count as none: cookie tossing fails closed") {
  CHECK_FALSE(session_cookie(with_cookies({"__Host-sekisho=" + id_a + "; __Host-sekisho=" + id_b})));
  CHECK_FALSE(session_cookie(with_cookies({"__Host-sekisho=" + id_a, "__Host-sekisho=" + id_b})));
  CHECK_FALSE(session_cookie(with_cookies({"__Host-sekisho=" + id_a, "__Host-sekisho=" + id_b, "__Host-sekisho=" + id_a})));
  // The same one twice is still that one.
  CHECK(session_cookie(with_cookies({"__Host-sekisho=" + id_a, "__Host-sekisho=" + id_a})) == id_a);
}

TEST_CASE("a malformed session id is no session") {
  CHECK_FALSE(session_cookie(with_cookies({"__Host-sekisho=short"})));
  CHECK_FALSE(session_cookie(with_cookies({"__Host-sekisho=" + id_a + "x"})));
  CHECK_FALSE(session_cookie(with_cookies({"__Host-sekisho=" + std::string(id_a.size() - 1, 'a') + "!"})));
  CHECK(single_cookie(with_cookies({"other=1"}), "other") == "1");
  CHECK_FALSE(single_cookie(with_cookies({"other"}), "other"));  // no '=': not a cookie
}

TEST_CASE("the gateway's cookies are removed before the upstream; the app's own are kept") {
  auto h = with_cookies({"lang=ja; __Host-sekisho=" + id_a + "; __Host-sekisho-form=t; app=1", "__Host-sekisho=" + id_a});
  strip_session_cookie(h);
  CHECK(cookie_headers(h) == std::vector<std::string>{"lang=ja; app=1"});
  CHECK_FALSE(session_cookie(h));
  CHECK(h[http::field::host] == "ehr.example.jp");
}

TEST_CASE("an upstream cannot set the gateway's cookies: those Set-Cookie lines go, the app's stay") {
  head_fields h;
  for (const char* v : {"JSESSIONID=1; Path=/", "__Host-sekisho=AAAA; Secure; HttpOnly; Path=/", "lang=ja",
                        " __host-SEKISHO=x; Path=/", "__Host-sekisho-form=t; Path=/", "__Host-sekisho; Path=/",
                        "app=__Host-sekisho=1"})
    h.insert(http::field::set_cookie, v);
  h.insert("X-Note", "__Host-sekisho=kept: not a Set-Cookie");
  CHECK(drop_gateway_set_cookies(h) == 4);
  std::vector<std::string> left;
  for (const auto& f : h) left.emplace_back(f.value());
  CHECK(left == std::vector<std::string>{"JSESSIONID=1; Path=/", "lang=ja", "app=__Host-sekisho=1",
                                         "__Host-sekisho=kept: not a Set-Cookie"});
}
