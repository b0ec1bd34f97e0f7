#include "core/policy/target.hpp"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

using namespace sekisho;

namespace {

// The accepted path must never carry what a server could resolve differently from the policy.
void check_canonical_path(const std::string& path) {
  REQUIRE(!path.empty());
  CHECK(path.front() == '/');
  CHECK(path.find("//") == std::string::npos);
  CHECK(path.find("/./") == std::string::npos);
  CHECK(path.find("/../") == std::string::npos);
  CHECK_FALSE(path.ends_with("/."));
  CHECK_FALSE(path.ends_with("/.."));
  for (std::size_t i = path.find('%'); i != std::string::npos; i = path.find('%', i + 1)) {
    REQUIRE(i + 2 < path.size());
    for (char c : path.substr(i + 1, 2)) CHECK(((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F')));
  }
}

}  // namespace

TEST_CASE("targets that could be judged as one path and served as another are refused") {
  const std::vector<std::string> refused = {
      "", "a", "*", "http://ehr.local/", "?a",                          // not origin-form
      "/a#b", "/a?b#c", "/#",                                            // fragments
      "/%", "/%4", "/%zz", "/%4g", "/a%", "/%%41", "/%u002e",            // malformed escapes
      "/a%00", "/%0a", "/%0D%0A", "/%1F", "/%7f", "/%09",                // encoded NUL and controls
      "/a%2Fb", "/a%2fb", "/a%5Cb", "/a%5c", "/%2f%2e%2e",               // encoded '/' and '\'
      "/public/%252e%252e/admin", "/a%252Fb", "/a%252fb", "/a%255Cb", "/a%2500",  // double-encoded (IIS)
      "/public/%25%32%65%25%32%65/admin", "/a%25%32F", "/a%252%65",  // the same, its digits encoded too
      "/a b", "/a\tb", "/a\rb", "/a\nb", "/a\x7f", "/a\x80", "/\xe3\x81\x82",  // raw bytes
      "/a\\b", "/a\"b", "/<x>", "/^", "/`", "/{", "/|", "/}",
      std::string("/a\0b", 4),
      "/..", "/../etc", "/%2e%2e/etc", "/%2E%2E", "/.%2e/", "/a/../..", "/a/%2e%2e/%2e%2e/b", "//../a",
      "/public/..;/admin", "/public/.;/admin", "/..;", "/public/..;x/admin", "/%2e%2e;x/admin",
      "/public/..%3Bx/admin", "/public/..%3b/admin", "/;x/admin", "/a/;/b",  // path parameters (Tomcat)
      "/a?b c", "/a?%zz", "/a?%4", "/a?x\x01", "/a?\\", "/a?%", "/a?\xff", "/a?{}",  // query bytes
      "/" + std::string(8192, 'a'),                                                  // over 8 KiB
  };
  for (const auto& raw : refused) {
    CAPTURE(raw);
    CHECK_FALSE(normalize_target(raw).ok());
  }
}

TEST_CASE("accepted targets normalise to one form") {
  struct accepted {
    std::string raw, path, query;
    bool has_query;
  };
  const std::vector<accepted> cases = {
      {"/", "/", "", false},
      {"//admin", "/admin", "", false},
      {"///a////b//", "/a/b/", "", false},
      {"/a/%2e%2e/admin", "/admin", "", false},
      {"/a/%2E%2e/admin/", "/admin/", "", false},
      {"/a/.%2e/b/%2e/c", "/b/c", "", false},
      {"/a/./b", "/a/b", "", false},
      {"/a/b/", "/a/b/", "", false},
      {"/a/.", "/a/", "", false},
      {"/a/..", "/", "", false},
      {"/a/b/../c", "/a/c", "", false},
      {"/a//..//b", "/b", "", false},  // repeated slashes collapse before dot segments resolve
      {"/a/...", "/a/...", "", false},
      {"/a/.b/..c", "/a/.b/..c", "", false},
      {"/.a/b../...x/c.", "/.a/b../...x/c.", "", false},  // dots inside names: kept as they are
      {"/a.", "/a.", "", false},
      {"/a/%2e", "/a/", "", false},  // a dot segment only once decoded
      {"/rate/100%25", "/rate/100%25", "", false},        // a literal '%' stays encoded
      {"/a%2541", "/a%2541", "", false},                  // double-encoded, but only an 'A'
      {"/%41%7E%2d%5F%2E%7a%30", "/A~-_.z0", "", false},  // unreserved decoded
      {"/%3f", "/%3F", "", false},                         // reserved kept, not turned into '?'
      {"/%3F", "/%3F", "", false},
      {"/%23", "/%23", "", false},
      {"/a%3bb", "/a%3Bb", "", false},
      {"/%e3%81%82", "/%E3%81%82", "", false},
      {"/%25", "/%25", "", false},
      {"/%2541", "/%2541", "", false},  // decoded once only
      {"/a%20b", "/a%20b", "", false},
      {"/a[1]:@!$&'()*+,=", "/a[1]:@!$&'()*+,=", "", false},
      {"/admin;jsessionid=1", "/admin;jsessionid=1", "", false},
      {"/app/;jsessionid=1", "/app/;jsessionid=1", "", false},  // empty name allowed as the last segment
      {"/public?/admin", "/public", "/admin", true},            // the query is not part of the path
      {"/a?", "/a", "", true},
      {"/a?b?c/d", "/a", "b?c/d", true},
      {"/a?x=%2f&y=%2e%2e", "/a", "x=%2f&y=%2e%2e", true},  // the query is kept as received
      {"/a/../b?c=../d", "/b", "c=../d", true},
      {"/" + std::string(8191, 'a'), "/" + std::string(8191, 'a'), "", false},  // exactly 8 KiB
  };
  for (const auto& c : cases) {
    CAPTURE(c.raw);
    auto t = normalize_target(c.raw);
    INFO((t.ok() ? std::string() : t.message()));
    REQUIRE(t.ok());
    CHECK(t->path == c.path);
    CHECK(t->query == c.query);
    CHECK(t->has_query == c.has_query);
    check_canonical_path(t->path);
  }
}

TEST_CASE("encoded slashes pass only for an upstream configured for them") {
  const target_options legacy{true};
  CHECK(normalize_target("/a%2fb%5cc", legacy)->path == "/a%2Fb%5Cc");
  CHECK(normalize_target("/group%2Fproject/-/raw", legacy)->path == "/group%2Fproject/-/raw");
  CHECK(normalize_target("/a%2F%2Fb%2F", legacy)->path == "/a%2F%2Fb%2F");
  CHECK(normalize_target("/a%2F..b", legacy)->path == "/a%2F..b");
  CHECK(normalize_target("/a%252Fb", legacy)->path == "/a%252Fb");
  // They stay encoded, but the upstream may decode them into separators: dot segments between them are
  // refused, or "/public/..%2Fadmin" would be /public to the policy and /admin to the upstream.
  for (const char* hidden : {"/public/..%2Fadmin", "/public%2F..%2Fadmin", "/a/%2e%2e%2f", "/a/%2e%2e%5c",
                             "/a%2F.", "/a%5C..", "/.%2Fa", "/a%2F..;x%2Fb", "/a%2F;x%2Fb"}) {
    CAPTURE(hidden);
    CHECK_FALSE(normalize_target(hidden, legacy).ok());
  }
  // Everything else is still refused.
  CHECK_FALSE(normalize_target("/a%00", legacy).ok());
  CHECK_FALSE(normalize_target("/a\\b", legacy).ok());
  CHECK_FALSE(normalize_target("/../a%2f", legacy).ok());
}

TEST_CASE("forward_target re-attaches the query only when there was one") {
  CHECK(forward_target(*normalize_target("/a/../b")) == "/b");
  CHECK(forward_target(*normalize_target("/b?")) == "/b?");
  CHECK(forward_target(*normalize_target("/%7e/x?q=%7e")) == "/~/x?q=%7e");
}

TEST_CASE("normalising a forwarded target gives it back unchanged") {
  // Random targets built from the pieces that matter; a fixed seed keeps the test repeatable.
  const std::vector<std::string> pieces = {
      "/", "/", "/", "//", ".", "..", "%2e", "%2E", "%2f", "%5C", "%41", "%7e", "%3f", "%3b", "%25", "%e3",
      "a", "B", ";", "?", "%", "%zz", "~", "&", "=", ":", "@", "[", "%00", " ", "x.y", "..;", "#"};
  std::mt19937 rng(20240601);
  std::uniform_int_distribution<std::size_t> pick(0, pieces.size() - 1), count(1, 12);
  int accepted = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string raw = "/";
    for (auto n = count(rng); n > 0; --n) raw += pieces[pick(rng)];
    for (const bool slashes : {false, true}) {
      const target_options options{slashes};
      auto t = normalize_target(raw, options);
      if (!t) continue;
      ++accepted;
      CAPTURE(raw);
      check_canonical_path(t->path);
      auto again = normalize_target(forward_target(*t), options);
      REQUIRE(again.ok());
      CHECK(*again == *t);
    }
  }
  CHECK(accepted > 5000);  // the property was tested on many inputs, not vacuously
}
