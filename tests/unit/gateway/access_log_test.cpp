#include "gateway/server/access_log.hpp"

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include <doctest/doctest.h>

#include "tests/unit/file_size_limit.hpp"
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

namespace {

// Waits (at most 5 s) for the writer to reach a state.
template <class Condition>
bool eventually(Condition condition) {
  for (int i = 0; i < 500 && !condition(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return condition();
}

// An access log (files of 1 GiB) on a disk that is full from the moment the log has opened its files.
struct log_on_full_disk {
  test::temp_dir dir;
  fs::path file = dir.path() / "access.log";
  std::unique_ptr<access_log> log = std::move(access_log::open(logging_to(file, 1 << 30, 2)).value());
  test::file_size_limit full{0};
};

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("lines the disk refuses wait in memory and are written, once each and in order, when it takes them") {
  log_on_full_disk d;
  auto& [dir, file, log, full] = d;
  for (int i = 0; i < 50; ++i) log->write(request("nurse", "/patients/P" + std::to_string(1000 + i)));
  REQUIRE(eventually([&] { return log->failing(); }));
  CHECK(fs::file_size(file) == 0);
  full.lift();  // room again
  REQUIRE(eventually([&] { return !log->failing(); }));
  log->write(request("nurse", "/patients/P2000"));
  log.reset();
  const auto text = read_file(file);
  CHECK(count_of(text, "\n") == 51);
  for (int i = 0; i < 50; ++i) CHECK(count_of(text, "/patients/P" + std::to_string(1000 + i) + "\"") == 1);
  CHECK(text.find("P1000") < text.find("P1049"));
  CHECK(text.find("P1049") < text.find("P2000"));
}

TEST_CASE("while the disk refuses lines, memory holds 32 MiB of them; those beyond are counted as lost") {
  log_on_full_disk d;
  auto& [dir, file, log, full] = d;
  const auto line_bytes = [] {
    std::string line;
    append_json_line(line, request("nurse", "/patients/P000123"), false);
    return line.size();
  }();
  const std::size_t total = 32 * 1024 * 1024 / line_bytes + 1000;
  for (std::size_t i = 0; i < total; ++i) log->write(request("nurse", "/patients/P000123"));
  REQUIRE(eventually([&] { return log->failing(); }));
  CHECK(log->lines_lost() >= 999);  // no more than 32 MiB kept
  full.lift();
  REQUIRE(eventually([&] { return !log->failing(); }));
  const auto lost = log->lines_lost();
  log.reset();
  CHECK(count_of(read_file(file), "\n") + lost == total);  // every line written or counted, none in between
}

TEST_CASE("stopping while the disk refuses lines ends at once, without waiting for it") {
  log_on_full_disk d;
  auto& [dir, file, log, full] = d;
  log->write(request("nurse", "/patients/P000123"));
  REQUIRE(eventually([&] { return log->failing(); }));
  const auto before = std::chrono::steady_clock::now();
  log.reset();  // no waiting for a disk that may never come back
  CHECK(std::chrono::steady_clock::now() - before < std::chrono::seconds(2));
  CHECK(fs::file_size(file) == 0);
}
