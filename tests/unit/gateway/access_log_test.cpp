#include "gateway/server/access_log.hpp"

#include <fstream>
#include <sstream>

#include <doctest/doctest.h>

#include "tests/unit/temp_dir.hpp"

using namespace sekisho;
using namespace sekisho::gateway;
namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

access_record request(std::string user, std::string path) {
  access_record r;
  r.time = std::chrono::system_clock::now();
  r.user = std::move(user);
  r.client = "192.0.2.7";
  r.method = "GET";
  r.path = std::move(path);
  r.status = r.user.empty() ? 302 : 200;
  return r;
}

gateway_config logging_to(const fs::path& file, std::uint64_t max_bytes, int keep) {
  gateway_config g;
  g.access_log = file;
  g.access_log_max_bytes = max_bytes;
  g.access_log_keep = keep;
  return g;
}

}  // namespace

TEST_CASE("the file for requests without a user sits beside the access log") {
  CHECK(anonymous_log_path("/var/log/sekisho/access.log") == "/var/log/sekisho/access.anonymous.log");
  CHECK(anonymous_log_path("state/access") == "state/access.anonymous");
}

TEST_CASE("requests in a session and requests without one are written to files of their own") {
  test::temp_dir dir;
  const auto file = dir.path() / "access.log";
  {
    auto log = access_log::open(logging_to(file, 1 << 20, 2));
    REQUIRE(log);
    (*log)->write(request("nurse", "/patients/P000123"));
    (*log)->write(request("", "/.sekisho/login"));
  }  // written out when the log closes
  const auto with_user = read_file(file);
  const auto without_user = read_file(anonymous_log_path(file));
  CHECK(with_user.find("/patients/P000123") != std::string::npos);
  CHECK(with_user.find("/.sekisho/login") == std::string::npos);
  CHECK(without_user.find("/.sekisho/login") != std::string::npos);
  CHECK(without_user.find("P000123") == std::string::npos);
  CHECK((fs::status(anonymous_log_path(file)).permissions() & fs::perms::all) ==
        (fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read));
}

TEST_CASE("a flood of requests without a session cannot rotate who opened what out of the files kept") {
  test::temp_dir dir;
  const auto file = dir.path() / "access.log";
  const std::uint64_t max_bytes = 64 * 1024;
  {
    auto log = access_log::open(logging_to(file, max_bytes, 1));
    REQUIRE(log);
    (*log)->write(request("nurse", "/patients/P000123"));
    for (int i = 0; i < 4000; ++i) (*log)->write(request("", "/scan/" + std::to_string(i)));  // ~ 5 × max
  }
  CHECK(read_file(file).find("\"user\":\"nurse\"") != std::string::npos);
  CHECK_FALSE(fs::exists(file.string() + ".1"));
  const auto anonymous = anonymous_log_path(file);
  CHECK(fs::exists(anonymous.string() + ".1"));
  CHECK_FALSE(fs::exists(anonymous.string() + ".2"));  // access_log_keep generations, no more
  CHECK(read_file(anonymous).find("/scan/3999") != std::string::npos);
}

TEST_CASE("the journal takes both kinds of line, and no file is made") {
  test::temp_dir dir;
  const auto cwd = fs::current_path();
  fs::current_path(dir.path());
  {
    auto log = access_log::open(logging_to("journal", 1 << 20, 2));
    REQUIRE(log);
  }
  fs::current_path(cwd);
  CHECK(fs::is_empty(dir.path()));
}

TEST_CASE("a file that cannot be opened is refused with its name") {
  test::temp_dir dir;
  auto log = access_log::open(logging_to(dir.path() / "missing" / "access.log", 1 << 20, 2));
  REQUIRE_FALSE(log);
  CHECK(log.message().find("missing/access.log") != std::string::npos);
}
