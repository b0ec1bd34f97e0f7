#include "core/backup/generations.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <set>

#include "core/backup/private_file.hpp"
#include "tests/unit/temp_dir.hpp"

using namespace sekisho;
using namespace sekisho::backup;
namespace fs = std::filesystem;

namespace {

std::set<std::string> names(const fs::path& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
  return out;
}

}  // namespace

TEST_CASE("generation names are UTC times that sort in time order") {
  CHECK(generation_name(1'796'099'400) == "sekisho-20261201-043000.skb");
  CHECK(generation_name(0) == "sekisho-19700101-000000.skb");
  CHECK(is_generation_name("sekisho-20261201-043000.skb"));
  CHECK_FALSE(is_generation_name("sekisho-20261201-043000.skb.bak"));
  CHECK_FALSE(is_generation_name("sekisho-latest.skb"));
  CHECK_FALSE(is_generation_name(".sekisho-20261201-043000.skb.Ab12Cd"));
}

TEST_CASE("pruning keeps the newest N of our files and touches nothing else") {
  test::temp_dir dir;
  for (std::int64_t day = 0; day < 5; ++day) dir.write(generation_name(1'796'099'400 + day * 86400), "x");
  dir.write("sekisho-notes.skb", "keep me");
  dir.write("other.skb", "keep me");
  fs::create_directory(dir.path() / "sekisho-20200101-000000.skb");  // a directory named like one: left alone
  fs::create_symlink("/etc/passwd", dir.path() / "sekisho-20200102-000000.skb");

  auto deleted = prune_generations(dir.path(), 2);
  REQUIRE_MESSAGE(deleted.ok(), deleted.message());
  CHECK(*deleted == std::vector<std::string>{"sekisho-20261201-043000.skb", "sekisho-20261202-043000.skb",
                                             "sekisho-20261203-043000.skb"});
  CHECK(names(dir.path()) == std::set<std::string>{"sekisho-20261204-043000.skb", "sekisho-20261205-043000.skb",
                                                   "sekisho-notes.skb", "other.skb", "sekisho-20200101-000000.skb",
                                                   "sekisho-20200102-000000.skb"});
  CHECK(prune_generations(dir.path(), 2)->empty());
  CHECK_FALSE(prune_generations(dir.path() / "missing", 2).ok());
}

TEST_CASE("a new private file is 0600, complete, and never replaces an existing one") {
  test::temp_dir dir;
  const auto path = dir.path() / "b.skb";
  REQUIRE(write_new_private_file(path, "first").ok());
  CHECK((fs::status(path).permissions() & fs::perms::mask) == (fs::perms::owner_read | fs::perms::owner_write));
  CHECK(*read_whole_file(path) == "first");
  auto again = write_new_private_file(path, "second");
  REQUIRE_FALSE(again.ok());
  CHECK(again.message().find("exists already") != std::string::npos);
  CHECK(*read_whole_file(path) == "first");
  CHECK(names(dir.path()) == std::set<std::string>{"b.skb"});  // no temp file left behind
  CHECK_FALSE(write_new_private_file(dir.path() / "no-such-dir" / "b.skb", "x").ok());
  CHECK_FALSE(read_whole_file(dir.path() / "missing.skb").ok());
}
