#include "core/seal/keyring.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "core/util/digest.hpp"
#include "tests/unit/temp_dir.hpp"

using namespace sekisho;
namespace fs = std::filesystem;

namespace {

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("a created master key file is private, loads, and is never overwritten") {
  test::temp_dir dir;
  const auto path = dir.path() / "master.key";
  REQUIRE(seal::keyring::create(path).ok());
  CHECK((fs::status(path).permissions() & fs::perms::mask) == (fs::perms::owner_read | fs::perms::owner_write));
  const auto original = read_all(path);
  CHECK(original.size() == 32);

  auto second = seal::keyring::create(path);
  CHECK_FALSE(second.ok());
  CHECK(read_all(path) == original);

  auto keys = seal::keyring::load(path);
  REQUIRE_MESSAGE(keys.ok(), keys.message());
  CHECK(keys->current().view() == original);
  CHECK(keys->current_id() == seal::key_id(original));
  CHECK(keys->find(keys->current_id()) == &keys->current());
}

TEST_CASE("the key id is the first 4 bytes of SHA-256 over the label and the key") {
  const std::string key(32, '\x42');
  const auto d = sha256("sekisho key id v1" + key);
  const std::uint32_t expected = (std::uint32_t{static_cast<unsigned char>(d[0])} << 24) |
                                 (std::uint32_t{static_cast<unsigned char>(d[1])} << 16) |
                                 (std::uint32_t{static_cast<unsigned char>(d[2])} << 8) |
                                 std::uint32_t{static_cast<unsigned char>(d[3])};
  CHECK(seal::key_id(key) == expected);
  CHECK(seal::key_id(std::string(32, '\x43')) != expected);
}

TEST_CASE("load refuses key files that are the wrong size, readable by others, or symlinks") {
  test::temp_dir dir;
  const auto good = dir.path() / "good.key";
  REQUIRE(seal::keyring::create(good).ok());

  SUBCASE("wrong size") {
    for (std::size_t n : {0u, 31u, 33u, 64u}) {
      const auto p = dir.path() / ("size" + std::to_string(n) + ".key");
      dir.write(p.filename().string(), std::string(n, 'k'));
      fs::permissions(p, fs::perms::owner_read | fs::perms::owner_write);
      CAPTURE(n);
      CHECK_FALSE(seal::keyring::load(p).ok());
    }
  }
  SUBCASE("mode 0644") {
    fs::permissions(good, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                              fs::perms::others_read);
    auto r = seal::keyring::load(good);
    CHECK_FALSE(r.ok());
    CHECK(r.message().find("readable by others") != std::string::npos);
  }
  SUBCASE("symlink") {
    const auto link = dir.path() / "link.key";
    fs::create_symlink(good, link);
    CHECK_FALSE(seal::keyring::load(link).ok());
    CHECK(seal::keyring::load(good).ok());
  }
  SUBCASE("missing") { CHECK_FALSE(seal::keyring::load(dir.path() / "absent.key").ok()); }
}

TEST_CASE("retired keys are found by id; unknown ids are not") {
  test::temp_dir dir;
  REQUIRE(seal::keyring::create(dir.path() / "old.key").ok());
  REQUIRE(seal::keyring::create(dir.path() / "new.key").ok());
  auto old_keys = seal::keyring::load(dir.path() / "old.key");
  auto keys = seal::keyring::load(dir.path() / "new.key");
  REQUIRE(old_keys.ok());
  REQUIRE(keys.ok());
  REQUIRE(old_keys->current_id() != keys->current_id());

  CHECK(keys->find(old_keys->current_id()) == nullptr);
  keys->add_retired(old_keys->current());
  keys->add_retired(old_keys->current());  // adding twice keeps one copy and changes nothing
  const secret* found = keys->find(old_keys->current_id());
  REQUIRE(found != nullptr);
  CHECK(found->view() == old_keys->current().view());
  CHECK(keys->current_id() != old_keys->current_id());  // the new key still seals
  CHECK(keys->find(keys->current_id() ^ 1u) == nullptr);
}

TEST_CASE("retired keys on disk are loaded with the master key; a bad retired directory is refused") {
  test::temp_dir dir;
  const auto master = dir.path() / "master.key";
  REQUIRE(seal::keyring::create(master).ok());
  const secret old_key(std::string(32, 'o'));
  REQUIRE(seal::keyring::retire(master, old_key).ok());
  const auto retired = seal::retired_key_dir(master);
  CHECK(retired == dir.path() / "master.key.retired");
  CHECK(fs::exists(retired / (seal::key_id_hex(seal::key_id(old_key.view())) + ".key")));
  dir.write("master.key.retired/0badf00d.key.tmp", "a leftover of an interrupted write");

  auto keys = seal::keyring::load(master);
  REQUIRE_MESSAGE(keys.ok(), keys.message());
  CHECK(keys->find(seal::key_id(old_key.view())) != nullptr);
  CHECK(keys->retired().size() == 1);

  // Installing a new current key: the master key file is replaced whole.
  const secret next(std::string(32, 'x'));
  REQUIRE(seal::keyring::install(master, next).ok());
  CHECK(read_all(master) == std::string(32, 'x'));
  CHECK((fs::status(master).permissions() & fs::perms::mask) == (fs::perms::owner_read | fs::perms::owner_write));
  CHECK_FALSE(fs::exists(dir.path() / "master.key.tmp"));

  fs::permissions(retired, fs::perms::group_read | fs::perms::group_exec, fs::perm_options::add);
  auto open_dir = seal::keyring::load(master);
  REQUIRE_FALSE(open_dir.ok());
  CHECK(open_dir.message().find("chmod 700") != std::string::npos);
  fs::permissions(retired, fs::perms::group_all, fs::perm_options::remove);
  dir.write("master.key.retired/00000000.key", "short");
  CHECK_FALSE(seal::keyring::load(master).ok());
}
