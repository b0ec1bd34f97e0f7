#include "gateway/http/response_rewrite.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace sekisho;
using namespace sekisho::gateway;

namespace {

using values = std::vector<std::string>;

upstream_config upstream(std::string scheme, std::string address, std::string port) {
  upstream_config u;
  u.tls = scheme == "https";
  u.url = scheme + "://" + address + ":" + port;
  u.address = std::move(address);
  u.port = std::move(port);
  return u;
}

values values_of(const head_fields& h, std::string_view name) {
  values out;
  for (const auto& f : h)  // not equal_range: Beast 1.74's spans other fields between matches
    if (boost::beast::iequals(f.name_string(), name)) out.emplace_back(f.value());
  return out;
}

// The value a single `name` header has after rewriting.
std::string rewritten(const upstream_config& u, std::string_view name, std::string_view value,
                      std::string_view public_host = "ehr.clinic.example") {
  head_fields h;
  h.insert(name, value);
  rewrite_response_headers(h, u, public_host, "https");
  const auto v = values_of(h, name);
  REQUIRE(v.size() == 1);
  return v[0];
}

}  // namespace

TEST_CASE("internal origins are normalised, with default ports elided") {
  auto u = upstream("http", "10.0.0.5", "8080");
  auto o = make_rewrite_origins(u, "ehr.clinic.example", "https");
  CHECK(o.internal == values{"http://10.0.0.5:8080"});
  CHECK(o.internal_hosts == values{"10.0.0.5"});
  CHECK(o.public_origin == "https://ehr.clinic.example");

  u.host_header = "EHR.Internal";
  o = make_rewrite_origins(u, "EHR.clinic.example:443", "https");
  CHECK(o.internal == values{"http://10.0.0.5:8080", "http://ehr.internal", "http://ehr.internal:8080"});
  CHECK(o.internal_hosts == values{"10.0.0.5", "ehr.internal"});
  CHECK(o.public_origin == "https://ehr.clinic.example");

  CHECK(make_rewrite_origins(upstream("http", "app", "80"), "x", "https").internal == values{"http://app"});
  CHECK(make_rewrite_origins(upstream("https", "APP", "443"), "x", "https").internal == values{"https://app"});
  CHECK(make_rewrite_origins(upstream("http", "fd00::5", "8080"), "x", "https").internal ==
        values{"http://[fd00::5]:8080"});
  CHECK(make_rewrite_origins(u, "ehr.clinic.example:8443", "https").public_origin ==
        "https://ehr.clinic.example:8443");
  for (auto bad : {"", "evil.example/x", "a@evil.example", "ehr\r\nX: y", "ehr:port"})
    CHECK(make_rewrite_origins(u, bad, "https").public_origin.empty());
}

TEST_CASE("Location at the upstream's address moves to the public origin") {
  const auto u = upstream("http", "10.0.0.5", "8080");
  CHECK(rewritten(u, "Location", "http://10.0.0.5:8080/login?next=/a#top") ==
        "https://ehr.clinic.example/login?next=/a#top");
  CHECK(rewritten(u, "Location", "HTTP://10.0.0.5:8080?x=1") == "https://ehr.clinic.example?x=1");
  CHECK(rewritten(u, "Location", "http://10.0.0.5:8080#f") == "https://ehr.clinic.example#f");
  CHECK(rewritten(u, "Location", "http://10.0.0.5:8080") == "https://ehr.clinic.example");
  CHECK(rewritten(u, "Location", "http://10.0.0.5:08080/x") == "https://ehr.clinic.example/x");
  CHECK(rewritten(u, "Content-Location", "http://10.0.0.5:8080/doc") == "https://ehr.clinic.example/doc");
  CHECK(rewritten(u, "Location", "http://10.0.0.5:8080/x", "ehr.clinic.example:8443") ==
        "https://ehr.clinic.example:8443/x");
}

TEST_CASE("Location elsewhere, relative or only similar is left alone") {
  const auto u = upstream("http", "10.0.0.5", "8080");
  for (auto keep : {"/login?next=http://10.0.0.5:8080/", "login", "?a=1", "//10.0.0.5:8080/x",
                    "http://10.0.0.5/x", "http://10.0.0.5:80800/x", "https://10.0.0.5:8080/x",
                    "http://10.0.0.5:8080.evil.example/", "http://10.0.0.5:8080@evil.example/",
                    "http://user@10.0.0.5:8080/", "http://10.0.0.50:8080/", "https://other.example/x",
                    "ftp://10.0.0.5:8080/"})
    CHECK(rewritten(u, "Location", keep) == keep);
}

TEST_CASE("default ports match whether they are written or not") {
  const auto u = upstream("http", "app.internal", "80");
  CHECK(rewritten(u, "Location", "http://app.internal/x") == "https://ehr.clinic.example/x");
  CHECK(rewritten(u, "Location", "http://APP.internal:80/x") == "https://ehr.clinic.example/x");
  CHECK(rewritten(u, "Location", "http://app.internal:8080/x") == "http://app.internal:8080/x");
  const auto s = upstream("https", "fd00::5", "443");
  CHECK(rewritten(s, "Location", "https://[FD00::5]/x") == "https://ehr.clinic.example/x");
  CHECK(rewritten(s, "Location", "https://[fd00::5]:443/x") == "https://ehr.clinic.example/x");
}

TEST_CASE("Location with the configured Host name is rewritten, with or without the upstream port") {
  auto u = upstream("http", "10.0.0.5", "8080");
  u.host_header = "ehr.internal";
  CHECK(rewritten(u, "Location", "http://ehr.internal/x") == "https://ehr.clinic.example/x");
  CHECK(rewritten(u, "Location", "http://ehr.internal:8080/x") == "https://ehr.clinic.example/x");
  CHECK(rewritten(u, "Location", "http://ehr.internal:9090/x") == "http://ehr.internal:9090/x");
}

TEST_CASE("Refresh URLs are rewritten in every form browsers accept") {
  const auto u = upstream("http", "10.0.0.5", "8080");
  CHECK(rewritten(u, "Refresh", "0; url=http://10.0.0.5:8080/x") == "0; url=https://ehr.clinic.example/x");
  CHECK(rewritten(u, "Refresh", "5;URL='http://10.0.0.5:8080/x?a=1'") ==
        "5;URL='https://ehr.clinic.example/x?a=1'");
  CHECK(rewritten(u, "Refresh", "3 , Url = \"http://10.0.0.5:8080/y\" ; x") ==
        "3 , Url = \"https://ehr.clinic.example/y\" ; x");
  CHECK(rewritten(u, "Refresh", "3;url=' http://10.0.0.5:8080/y '") == "3;url=' https://ehr.clinic.example/y '");
  CHECK(rewritten(u, "Refresh", "0;http://10.0.0.5:8080/z") == "0;https://ehr.clinic.example/z");
  CHECK(rewritten(u, "Refresh", "1.5; url=http://10.0.0.5:8080") == "1.5; url=https://ehr.clinic.example");
  for (auto keep : {"0; url=/relative", "0; url=http://other.example/x", "soon; url=http://10.0.0.5:8080/",
                    "5x; url=http://10.0.0.5:8080/", "10", "0; urn=http://10.0.0.5:8080/"})
    CHECK(rewritten(u, "Refresh", keep) == keep);
}

TEST_CASE("rewrite_redirects off leaves every URL alone") {
  auto u = upstream("http", "10.0.0.5", "8080");
  u.rewrite_redirects = false;
  CHECK(rewritten(u, "Location", "http://10.0.0.5:8080/x") == "http://10.0.0.5:8080/x");
  CHECK(rewritten(u, "Refresh", "0; url=http://10.0.0.5:8080/x") == "0; url=http://10.0.0.5:8080/x");
}

TEST_CASE("a public host that is not a plain host[:port] never reaches a header") {
  const auto u = upstream("http", "10.0.0.5", "8080");
  CHECK(rewritten(u, "Location", "http://10.0.0.5:8080/x", "ehr\r\nSet-Cookie: a=1") == "http://10.0.0.5:8080/x");
  CHECK(rewritten(u, "Location", "http://10.0.0.5:8080/x", "evil.example/") == "http://10.0.0.5:8080/x");
}

TEST_CASE("Set-Cookie Domain naming an internal host is dropped, Secure added where missing; everything else is kept, in order") {
  auto u = upstream("http", "10.0.0.5", "8080");
  u.host_header = "ehr.internal";
  head_fields h;
  h.insert("Set-Cookie", "a=1; Domain=10.0.0.5; Path=/; HttpOnly");
  h.insert("Location", "/home");
  h.insert("Set-Cookie", "b=2; Path=/;domain=.EHR.Internal ;Secure");
  h.insert("Set-Cookie", "c=3; Domain=clinic.example; Path=/");
  h.insert("Set-Cookie", "d=4");
  h.insert("Set-Cookie", "e=Domain=10.0.0.5; Max-Age=60");
  h.insert("Set-Cookie", "f=6;Domain= 10.0.0.5 ;Domain=ehr.internal.evil.example");
  rewrite_response_headers(h, u, "ehr.clinic.example", "https");
  CHECK(values_of(h, "Set-Cookie") == values{"a=1; Path=/; HttpOnly; Secure", "b=2; Path=/;Secure",
                                             "c=3; Domain=clinic.example; Path=/; Secure", "d=4; Secure",
                                             "e=Domain=10.0.0.5; Max-Age=60; Secure",
                                             "f=6;Domain=ehr.internal.evil.example; Secure"});
  CHECK(values_of(h, "Location") == values{"/home"});
}

TEST_CASE("fields between two Set-Cookie lines are neither rewritten nor turned into cookies") {
  const auto u = upstream("http", "10.0.0.7", "8080");
  head_fields h;
  h.insert("Set-Cookie", "a=1; Domain=10.0.0.7; Path=/");
  h.insert("Date", "Wed, 25 Nov 2026 10:00:00 GMT");
  h.insert("Set_Cookie", "smuggled=1; Domain=10.0.0.7");
  h.insert("Set-Cookie", "b=2; Path=/");
  rewrite_response_headers(h, u, "ehr.clinic.example", "https");
  CHECK(values_of(h, "Set-Cookie") == values{"a=1; Path=/; Secure", "b=2; Path=/; Secure"});
  CHECK(values_of(h, "Date") == values{"Wed, 25 Nov 2026 10:00:00 GMT"});
  CHECK(values_of(h, "Set_Cookie") == values{"smuggled=1; Domain=10.0.0.7"});
}

TEST_CASE("rewrite_cookies off leaves Set-Cookie alone") {
  auto u = upstream("http", "10.0.0.5", "8080");
  u.rewrite_cookies = false;
  CHECK(rewritten(u, "Set-Cookie", "a=1; Domain=10.0.0.5") == "a=1; Domain=10.0.0.5");
}
