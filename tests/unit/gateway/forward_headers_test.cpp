#include "gateway/http/forward_headers.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "gateway/http/header_names.hpp"

using namespace sekisho;
using namespace sekisho::gateway;

namespace {

// The values of every field spelled like `name` (any case, '_' or '-'), in order.
std::vector<std::string> values_of(const head_fields& h, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& f : h)
    if (same_header(f.name_string(), name)) out.emplace_back(f.value());
  return out;
}
using values = std::vector<std::string>;

std::string dump(const head_fields& h) {
  std::string out;
  for (const auto& f : h) out.append(f.name_string()).append(": ").append(f.value()).append("\n");
  return out;
}

bool all_visible_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

struct fixture {
  upstream_config upstream;
  forward_identity identity{"alice", {"doctors", "ward-3"}, "Alice Example"};
  forward_context context;
  head_fields h;

  fixture() {
    upstream.url = "http://10.0.0.5:8080";
    upstream.address = "10.0.0.5";
    upstream.port = "8080";
    context.client_address = "203.0.113.7";
    context.public_host = "ehr.clinic.example";
    context.upstream = &upstream;
    context.identity = &identity;
    h.insert("Host", "ehr.clinic.example");
    h.insert("Accept", "text/html");
  }
  void prepare() { REQUIRE(prepare_upstream_request(h, context).ok()); }
};

}  // namespace

TEST_CASE_FIXTURE(fixture, "every spoofed variant of every identity header is gone and ours is the only one") {
  upstream.identity_header = "X-EHR-User";
  upstream.groups_header = "X-EHR-Groups";
  upstream.name_header = "X-EHR-Name";
  for (auto name : {"X-EHR-User", "x-ehr-user", "X_EHR_USER", "x_Ehr-User", "X-EHR-Groups", "X_EHR_Groups",
                    "X-EHR-Name", "x_ehr_name", "Remote-User", "REMOTE_USER", "remote_user", "X-Remote-User",
                    "X_Remote_User", "X-Forwarded-User", "x_forwarded_user", "X-Forwarded-Email",
                    "X-Forwarded-Groups", "X_FORWARDED_GROUPS", "X-Auth-Request-User", "x_auth_request_user"})
    h.insert(name, "admin");
  h.insert("X-EHR-User", "root");  // a duplicate
  prepare();

  CHECK(values_of(h, "X-EHR-User") == values{"alice"});
  CHECK(values_of(h, "X-EHR-Groups") == values{"doctors,ward-3"});
  CHECK(values_of(h, "X-EHR-Name") == values{"Alice%20Example"});
  for (auto name : {"Remote-User", "X-Remote-User", "X-Forwarded-User", "X-Forwarded-Email", "X-Forwarded-Groups",
                    "X-Auth-Request-User"})
    CHECK(values_of(h, name).empty());
  CHECK(dump(h).find("admin") == std::string::npos);
  CHECK(dump(h).find("root") == std::string::npos);
}

TEST_CASE_FIXTURE(fixture, "the default identity header is Remote-User, set once") {
  h.insert("Remote_User", "admin");
  h.insert("remote-user", "admin");
  prepare();
  CHECK(values_of(h, "Remote-User") == values{"alice"});
}

TEST_CASE_FIXTURE(fixture, "a bypass route strips identity headers and sends none") {
  upstream.groups_header = "X-Groups";
  upstream.name_header = "X-Name";
  context.identity = nullptr;
  for (auto name : {"Remote-User", "REMOTE_USER", "X-Groups", "X_Groups", "X-Name", "X-Forwarded-User"})
    h.insert(name, "admin");
  prepare();
  for (auto name : {"Remote-User", "X-Groups", "X-Name", "X-Forwarded-User"}) CHECK(values_of(h, name).empty());
  CHECK(values_of(h, "X-Forwarded-For") == values{"203.0.113.7"});
}

TEST_CASE_FIXTURE(fixture, "groups and name go only where configured, and not when empty") {
  h.insert("X-Forwarded-Groups", "admins");
  prepare();  // no groups_header, no name_header
  CHECK(values_of(h, "X-Forwarded-Groups").empty());
  CHECK(dump(h).find("doctors") == std::string::npos);
  CHECK(dump(h).find("Alice") == std::string::npos);

  upstream.groups_header = "X-Groups";
  upstream.name_header = "X-Name";
  identity.groups.clear();
  identity.display_name.clear();
  h.insert("X-Groups", "admins");
  prepare();
  CHECK(values_of(h, "X-Groups").empty());
  CHECK(values_of(h, "X-Name").empty());
}

TEST_CASE_FIXTURE(fixture, "hop-by-hop headers and the ones Connection names are removed; framing is not") {
  h.insert("Connection", "keep-alive, X-Hop-Secret");
  h.insert("connection", "Remote_User ,content-length, Transfer-Encoding, host");
  h.insert("Keep-Alive", "timeout=5");
  h.insert("Proxy-Connection", "keep-alive");
  h.insert("TE", "trailers");
  h.insert("Trailer", "X-Checksum");
  h.insert("Upgrade", "h2c");
  h.insert("Proxy-Authorization", "Basic YTpi");
  h.insert("Proxy-Authenticate", "Basic");
  h.insert("X-Hop-Secret", "1");
  h.insert("X_Hop_Secret", "2");
  h.insert("Transfer-Encoding", "chunked");
  h.insert("Content-Length", "12");
  h.insert("Content_Length", "9999");
  h.insert("transfer_encoding", "identity");
  prepare();

  for (auto name : {"Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Upgrade", "Proxy-Authorization",
                    "Proxy-Authenticate", "X-Hop-Secret"})
    CHECK(values_of(h, name).empty());
  // The caller's framing is untouched; look-alikes an upstream might merge with it are not.
  CHECK(values_of(h, "Transfer-Encoding") == values{"chunked"});
  CHECK(values_of(h, "Content-Length") == values{"12"});
  CHECK(h.count("Content-Length") == 1);
  CHECK(values_of(h, "Host") == values{"ehr.clinic.example"});
  CHECK(values_of(h, "Remote-User") == values{"alice"});
  CHECK(values_of(h, "Accept") == values{"text/html"});
}

TEST_CASE_FIXTURE(fixture, "an untrusted peer's forwarding headers are replaced by its own address") {
  h.insert("X-Forwarded-For", "10.1.1.1");
  h.insert("X-Forwarded-For", "127.0.0.1");
  h.insert("X_Forwarded_For", "10.2.2.2");
  h.insert("Forwarded", "for=10.3.3.3");
  h.insert("X-Real-IP", "10.4.4.4");
  h.insert("X_Real_Ip", "10.4.4.4");
  h.insert("X-Client-IP", "10.5.5.5");
  h.insert("X-Forwarded-Port", "80");
  prepare();
  CHECK(values_of(h, "X-Forwarded-For") == values{"203.0.113.7"});
  for (auto name : {"Forwarded", "X-Real-IP", "X-Client-IP", "X-Forwarded-Port"}) CHECK(values_of(h, name).empty());
  for (auto leaked : {"10.1.1.1", "127.0.0.1", "10.2.2.2", "10.3.3.3", "10.4.4.4", "10.5.5.5"})
    CHECK(dump(h).find(leaked) == std::string::npos);
}

TEST_CASE_FIXTURE(fixture, "path overrides and other claimed addresses never reach the upstream") {
  // IIS URL Rewrite, ASP.NET and Symfony-era apps serve X-Original-URL / X-Rewrite-URL over the request line.
  for (auto name : {"X-Original-URL", "x_original_url", "X-Rewrite-URL", "X-Original-URI", "X-Forwarded-Uri",
                    "X-Forwarded-Prefix", "X-Forwarded-Server", "X-Original-Host", "X-Host", "True-Client-IP",
                    "X-Original-Forwarded-For", "X-Cluster-Client-IP", "Front-End-Https"})
    h.insert(name, "/chart/123");
  prepare();
  CHECK(dump(h).find("/chart/123") == std::string::npos);
  CHECK(values_of(h, "Accept") == values{"text/html"});
}

TEST_CASE_FIXTURE(fixture, "a trusted proxy's X-Forwarded-For chain is kept and extended") {
  context.peer_is_trusted_proxy = true;
  context.client_address = "10.0.0.2";
  h.insert("X-Forwarded-For", "198.51.100.1, 198.51.100.2");
  h.insert("x-forwarded-for", " 198.51.100.3 ,");
  h.insert("X_Forwarded_For", "6.6.6.6");  // a look-alike the proxy passed through: not part of the chain
  h.insert("X-Real-IP", "6.6.6.6");
  // A client behind the proxy naming X-Forwarded-For as hop-by-hop must not erase the proxy's record of it.
  h.insert("Connection", "X-Forwarded-For");
  prepare();
  CHECK(values_of(h, "X-Forwarded-For") == values{"198.51.100.1, 198.51.100.2, 198.51.100.3, 10.0.0.2"});
  CHECK(dump(h).find("6.6.6.6") == std::string::npos);
}

TEST_CASE_FIXTURE(fixture, "a trusted proxy without X-Forwarded-For gives just the peer address") {
  context.peer_is_trusted_proxy = true;
  h.insert("X-Forwarded-For", "  ");
  prepare();
  CHECK(values_of(h, "X-Forwarded-For") == values{"203.0.113.7"});
}

TEST_CASE_FIXTURE(fixture, "X-Forwarded-Proto and -Host are always ours") {
  context.public_host = "ehr.clinic.example:8443";
  h.insert("X-Forwarded-Proto", "http");
  h.insert("X_Forwarded_Proto", "http");
  h.insert("X-Forwarded-Host", "evil.example");
  h.insert("x_forwarded_host", "evil.example");
  prepare();
  CHECK(values_of(h, "X-Forwarded-Proto") == values{"https"});
  CHECK(values_of(h, "X-Forwarded-Host") == values{"ehr.clinic.example:8443"});
}

TEST_CASE_FIXTURE(fixture, "Host is the configured host_header, else the public host") {
  h.insert("Host", "evil.example");  // a duplicate Host
  SUBCASE("public host") {
    context.public_host = "ehr.clinic.example:8443";
    prepare();
    CHECK(values_of(h, "Host") == values{"ehr.clinic.example:8443"});
  }
  SUBCASE("configured") {
    upstream.host_header = "ehr.internal";
    prepare();
    CHECK(values_of(h, "Host") == values{"ehr.internal"});
    CHECK(values_of(h, "X-Forwarded-Host") == values{"ehr.clinic.example"});
  }
}

TEST_CASE("a display name is percent-encoded to visible ASCII") {
  CHECK(percent_encode_header_text("山田 太郎") == "%E5%B1%B1%E7%94%B0%20%E5%A4%AA%E9%83%8E");
  CHECK(percent_encode_header_text("O'Brien, J.") == "O'Brien,%20J.");
  CHECK(percent_encode_header_text("100% a+b") == "100%25%20a%2Bb");
  CHECK(percent_encode_header_text("a\r\nX-Admin: 1") == "a%0D%0AX-Admin:%201");
  CHECK(percent_encode_header_text(std::string_view("\0\x7f\xff", 3)) == "%00%7F%FF");
}

TEST_CASE_FIXTURE(fixture, "a Japanese display name reaches the name header encoded and ASCII-only") {
  upstream.name_header = "X-Display-Name";
  identity.display_name = "山田 太郎\r\n";
  prepare();
  const auto sent = values_of(h, "X-Display-Name");
  REQUIRE(sent.size() == 1);
  CHECK(sent[0] == "%E5%B1%B1%E7%94%B0%20%E5%A4%AA%E9%83%8E%0D%0A");
  CHECK(all_visible_ascii(sent[0]));
}

TEST_CASE_FIXTURE(fixture, "a value that would carry CR, LF or NUL is refused and nothing changes") {
  upstream.groups_header = "X-Groups";
  h.insert("Remote_User", "admin");
  h.insert("Connection", "X-Hop");
  SUBCASE("user") { identity.user = "alice\r\nRemote-User: admin"; }
  SUBCASE("user with NUL") { identity.user = std::string("alice\0admin", 11); }
  SUBCASE("group") { identity.groups = {"doctors\nX-Admin: 1"}; }
  SUBCASE("client address") { context.client_address = "1.2.3.4\r\n"; }
  SUBCASE("public host") { context.public_host = "ehr\r\nX-Admin: 1"; }
  SUBCASE("host header") { upstream.host_header = "ehr\ninternal"; }
  SUBCASE("trusted chain") {
    context.peer_is_trusted_proxy = true;
    h.insert("X-Forwarded-For", std::string_view("1.2.3.4\0", 8));
  }
  const auto before = dump(h);
  CHECK_FALSE(prepare_upstream_request(h, context).ok());
  CHECK(dump(h) == before);
}

TEST_CASE_FIXTURE(fixture, "user and group values that would be read differently are refused") {
  upstream.groups_header = "X-Groups";
  SUBCASE("empty user") { identity.user = ""; }
  SUBCASE("padded user") { identity.user = " admin"; }
  SUBCASE("group with a comma") { identity.groups = {"doctors,admins"}; }
  SUBCASE("empty group") { identity.groups = {"doctors", ""}; }
  SUBCASE("no client address") { context.client_address = ""; }
  SUBCASE("no public host") { context.public_host = ""; }
  CHECK_FALSE(prepare_upstream_request(h, context).ok());
}

TEST_CASE_FIXTURE(fixture, "a WebSocket upgrade keeps exactly Upgrade: websocket and Connection: upgrade") {
  h.insert("Upgrade", "websocket");
  h.insert("Connection", "keep-alive, Upgrade");
  h.insert("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
  SUBCASE("upgrading") {
    context.websocket_upgrade = true;
    prepare();
    CHECK(values_of(h, "Upgrade") == values{"websocket"});
    CHECK(values_of(h, "Connection") == values{"upgrade"});
  }
  SUBCASE("not upgrading") {
    prepare();
    CHECK(values_of(h, "Upgrade").empty());
    CHECK(values_of(h, "Connection").empty());
  }
  CHECK(values_of(h, "Sec-WebSocket-Key") == values{"dGhlIHNhbXBsZSBub25jZQ=="});
}

TEST_CASE("responses lose every hop-by-hop header and keep their framing") {
  head_fields h;
  h.insert("Connection", "close, X-Upstream-Hop");
  h.insert("Keep-Alive", "timeout=5");
  h.insert("X-Upstream-Hop", "1");
  h.insert("Proxy-Authenticate", "Basic");
  h.insert("Upgrade", "websocket");
  h.insert("Trailer", "X-Checksum");
  h.insert("Transfer-Encoding", "chunked");
  h.insert("Set-Cookie", "a=1");
  h.insert("Set-Cookie", "b=2");
  SUBCASE("plain") {
    prepare_client_response(h);
    for (auto name : {"Connection", "Keep-Alive", "X-Upstream-Hop", "Proxy-Authenticate", "Upgrade", "Trailer"})
      CHECK(values_of(h, name).empty());
  }
  SUBCASE("101 to a WebSocket upgrade") {
    prepare_client_response(h, true);
    CHECK(values_of(h, "Upgrade") == values{"websocket"});
    CHECK(values_of(h, "Connection") == values{"upgrade"});
    CHECK(values_of(h, "X-Upstream-Hop").empty());
  }
  CHECK(values_of(h, "Transfer-Encoding") == values{"chunked"});
  CHECK(values_of(h, "Set-Cookie") == values{"a=1", "b=2"});
}
