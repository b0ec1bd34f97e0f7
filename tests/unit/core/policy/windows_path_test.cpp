#include "core/policy/windows_path.hpp"

#include <doctest/doctest.h>

#include "core/policy/target.hpp"

using namespace sekisho;

namespace {

// Whether the path, as the gateway normalises it, names another file on Windows.
bool alias(std::string_view raw) {
  auto t = normalize_target(raw);
  REQUIRE(t);
  return !windows_alias(t->path).empty();
}

}  // namespace

TEST_CASE("names that Windows reads as another name are aliases") {
  for (const char* raw : {"/admin.", "/admin./users", "/admin%2E", "/admin..", "/admin%20", "/admin%20/x",
                          "/admin.%20", "/admin::$DATA", "/admin:stream", "/admin%3A%3A$DATA", "/admin%3a",
                          "/ADMINI~1/users", "/results/REPORT~2.ASP", "/admin.;x", "/admin;x."}) {
    CAPTURE(raw);
    CHECK(alias(raw));
  }
  CHECK(windows_alias("/admin.") == "a name ending in a dot or a space");
  CHECK(windows_alias("/a::$DATA") == "a ':' in a name (an alternate data stream)");
  CHECK(windows_alias("/PROGRA~1") == "an 8.3 short name ('~' and a digit)");
}

TEST_CASE("ordinary Windows app paths are not") {
  for (const char* raw : {"/", "/admin", "/admin/", "/Admin/Users.aspx", "/results/report.asp?id=1",
                          "/~user/page", "/a~b/c", "/.well-known/x", "/%E6%97%A5%E6%9C%AC", "/a%20b/c",
                          "/scripts/app.js;v=2"}) {
    CAPTURE(raw);
    CHECK_FALSE(alias(raw));
  }
}
