#include "core/store/schema.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include "core/store/database.hpp"
#include "tests/unit/temp_dir.hpp"

using namespace sekisho;
using namespace sekisho::store;

TEST_CASE("a version-1 database migrates to the current schema with its data intact") {
  test::temp_dir dir;
  auto path = dir.path() / "old.db";
  {
    auto db = database::open_unmigrated(path);
    migrate_to(db, 1);
    CHECK(current_version(db) == 1);
    db.prepare("INSERT INTO users(name, user_handle, created_at, updated_at) VALUES('alice', x'01', 1, 1)").run();
  }
  auto db = database::open(path);
  CHECK(current_version(db) == schema_version);
  auto st = db.prepare("SELECT name, last_login_at IS NULL FROM users");
  REQUIRE(st.step());
  CHECK(st.column_text(0) == "alice");
  CHECK(st.column_int(1) == 1);
  db.prepare("INSERT INTO throttle(key, failures, last_failure_at) VALUES('user:alice', 1, 1)").run();
}

TEST_CASE("the database runs in WAL mode with foreign keys enforced") {
  test::temp_dir dir;
  auto db = database::open(dir.path() / "s.db", true);
  auto mode = db.prepare("PRAGMA journal_mode");
  REQUIRE(mode.step());
  CHECK(mode.column_text(0) == "wal");
  CHECK_THROWS_AS(db.prepare("INSERT INTO user_groups(user_id, name) VALUES(999, 'x')").run(), store_error);
}

TEST_CASE("a database from a newer version, a missing file and a corrupt file are clear errors") {
  test::temp_dir dir;
  {
    auto db = database::open(dir.path() / "new.db", true);
    db.exec("PRAGMA user_version = 999");
  }
  CHECK_THROWS_WITH_AS(database::open(dir.path() / "new.db"), doctest::Contains("newer Sekisho"), store_error);
  CHECK_THROWS_WITH_AS(database::open(dir.path() / "missing.db"), doctest::Contains("sekisho init"), store_error);
  dir.write("junk.db", std::string(4096, 'x'));
  CHECK_THROWS_AS(database::open(dir.path() / "junk.db"), store_error);
}

TEST_CASE("a transaction that is not committed leaves nothing behind") {
  test::temp_dir dir;
  auto db = database::open(dir.path() / "t.db", true);
  {
    transaction tx(db);
    db.prepare("INSERT INTO users(name, user_handle, created_at, updated_at) VALUES('bob', x'02', 1, 1)").run();
  }
  auto st = db.prepare("SELECT count(*) FROM users");
  st.step();
  CHECK(st.column_int(0) == 0);
}
