#include "gateway/server/rotating_file.hpp"

#include <fstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "tests/unit/file_size_limit.hpp"
#include "tests/unit/temp_dir.hpp"

using namespace sekisho;
using namespace sekisho::gateway;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> lines_of(const fs::path& p) {
  std::ifstream f(p);
  std::vector<std::string> lines;
  for (std::string line; std::getline(f, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("a file is rotated at the line that reaches its limit, and only `keep` generations stay") {
  test::temp_dir dir;
  const auto path = dir.path() / "access.log";
  auto file = rotating_file::open(path, 100, 2);
  REQUIRE(file);
  std::string batch;
  for (int i = 0; i < 40; ++i) batch += "line " + std::to_string(i) + " of the log\n";  // 17–18 bytes each
  file->append(batch);
  CHECK_FALSE(fs::exists(path.string() + ".3"));
  std::vector<std::string> kept;
  for (const auto& p : {fs::path(path.string() + ".2"), fs::path(path.string() + ".1"), path}) {
    const auto lines = lines_of(p);
    kept.insert(kept.end(), lines.begin(), lines.end());
  }
  for (const auto& p : {fs::path(path.string() + ".2"), fs::path(path.string() + ".1")}) {
    CHECK(fs::file_size(p) >= 100);
    CHECK(fs::file_size(p) < 100 + 19);  // past the limit by one line at most
  }
  REQUIRE(kept.size() >= 12);
  CHECK(kept.back() == "line 39 of the log");  // the newest lines, in order, none cut
  for (std::size_t i = 1; i < kept.size(); ++i) CHECK(kept[i].rfind("line ", 0) == 0);
}

TEST_CASE("appending continues an existing file and counts what it already holds") {
  test::temp_dir dir;
  const auto path = dir.path() / "access.log";
  dir.write("access.log", std::string(90, 'x') + "\n");
  auto file = rotating_file::open(path, 100, 1);
  REQUIRE(file);
  file->append("one more line\n");  // passes 100 bytes: rotated
  CHECK(lines_of(path.string() + ".1").size() == 2);
  CHECK(fs::file_size(path) == 0);
}

TEST_CASE("a write the disk refuses leaves no cut line, says how much went in, and the next one carries on") {
  test::temp_dir dir;
  const auto path = dir.path() / "access.log";
  auto file = rotating_file::open(path, 1 << 20, 2);
  REQUIRE(file);
  std::string batch;
  for (int i = 0; i < 100; ++i) batch += "line " + std::to_string(i) + " of the log\n";
  {
    test::file_size_limit full(batch.size() / 2);  // the disk fills half-way through the batch
    const auto refused = file->append(batch);
    CHECK(refused.error);
    CHECK(refused.bytes == 0);
    CHECK(fs::file_size(path) == 0);  // what went in of the batch was taken out again
  }
  const auto appended = file->append(batch);
  CHECK_FALSE(appended.error);
  CHECK(appended.bytes == batch.size());
  const auto lines = lines_of(path);
  REQUIRE(lines.size() == 100);
  CHECK(lines.front() == "line 0 of the log");
  CHECK(lines.back() == "line 99 of the log");
}

TEST_CASE("lines written before a refusal (in the file that was then rotated) stay, and are counted") {
  test::temp_dir dir;
  const auto path = dir.path() / "access.log";
  dir.write("access.log", std::string(989, 'x') + "\n");
  auto file = rotating_file::open(path, 1000, 3);
  REQUIRE(file);
  std::string batch;
  for (int i = 0; i < 100; ++i) batch += "line " + std::to_string(i) + " of the log\n";  // 18, then 19 bytes
  // The first line fills the old file (990 + 18 bytes) and rotates it; the new file's first write, the lines
  // up to its own 1,000 bytes, does not fit under the same limit.
  test::file_size_limit full(990 + 18);
  const auto partly = file->append(batch);
  CHECK(partly.error);
  CHECK(partly.bytes == 18);
  CHECK(lines_of(path.string() + ".1").back() == "line 0 of the log");
  CHECK(fs::file_size(path) == 0);
}
