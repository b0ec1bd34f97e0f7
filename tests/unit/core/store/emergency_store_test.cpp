#include "core/store/emergency_store.hpp"

#include <doctest/doctest.h>

#include "core/store/user_store.hpp"
#include "tests/unit/core/store/two_process_race.hpp"
#include "tests/unit/temp_dir.hpp"

using namespace sekisho;
using namespace sekisho::store;
using sekisho::test::race_two_processes;

namespace {

struct store_fixture {
  test::temp_dir dir;
  database db = database::open(dir.path() / "e.db", true);
  std::int64_t alice = insert_user(db, "alice", "", 1);
  std::int64_t bob = insert_user(db, "bob", "", 1);
};

}  // namespace

TEST_CASE("an emergency code is unused until spent, and is spent once") {
  store_fixture f;
  CHECK_FALSE(unused_emergency_code(f.db, f.alice));
  CHECK_FALSE(spend_emergency_code(f.db, f.alice, 50));  // none issued
  replace_emergency_code(f.db, f.alice, "hash-1", 100);
  CHECK(unused_emergency_code(f.db, f.alice) == "hash-1");
  CHECK_FALSE(unused_emergency_code(f.db, f.bob));
  CHECK_FALSE(spend_emergency_code(f.db, f.bob, 150));  // alice's code is hers alone

  CHECK(spend_emergency_code(f.db, f.alice, 200));
  CHECK_FALSE(unused_emergency_code(f.db, f.alice));
  CHECK_FALSE(spend_emergency_code(f.db, f.alice, 201));
}

TEST_CASE("replacing an emergency code, used or not, leaves one fresh unused code") {
  store_fixture f;
  replace_emergency_code(f.db, f.alice, "hash-1", 100);
  replace_emergency_code(f.db, f.alice, "hash-2", 110);
  CHECK(unused_emergency_code(f.db, f.alice) == "hash-2");
  REQUIRE(list_emergency_codes(f.db).size() == 1);

  REQUIRE(spend_emergency_code(f.db, f.alice, 200));
  replace_emergency_code(f.db, f.alice, "hash-3", 300);
  CHECK(unused_emergency_code(f.db, f.alice) == "hash-3");
  const auto listed = list_emergency_codes(f.db);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].issued_at == 300);
  CHECK_FALSE(listed[0].used_at.has_value());
  CHECK(spend_emergency_code(f.db, f.alice, 400));
}

TEST_CASE("the list names each user's code, when it was issued and when it was used, by name") {
  store_fixture f;
  CHECK(list_emergency_codes(f.db).empty());
  replace_emergency_code(f.db, f.bob, "hash-b", 100);
  replace_emergency_code(f.db, f.alice, "hash-a", 120);
  REQUIRE(spend_emergency_code(f.db, f.bob, 150));

  const auto listed = list_emergency_codes(f.db);
  REQUIRE(listed.size() == 2);
  CHECK(listed[0].user == "alice");
  CHECK(listed[0].issued_at == 120);
  CHECK_FALSE(listed[0].used_at.has_value());
  CHECK(listed[1].user == "bob");
  CHECK(listed[1].issued_at == 100);
  CHECK(listed[1].used_at == 150);
}

TEST_CASE("deleting an emergency code revokes it; deleting the user deletes theirs") {
  store_fixture f;
  CHECK_FALSE(delete_emergency_code(f.db, f.alice));
  replace_emergency_code(f.db, f.alice, "hash-a", 100);
  replace_emergency_code(f.db, f.bob, "hash-b", 100);
  CHECK(delete_emergency_code(f.db, f.alice));
  CHECK_FALSE(unused_emergency_code(f.db, f.alice));
  CHECK_FALSE(spend_emergency_code(f.db, f.alice, 200));
  CHECK_FALSE(delete_emergency_code(f.db, f.alice));
  CHECK(unused_emergency_code(f.db, f.bob) == "hash-b");

  delete_user(f.db, f.bob);
  CHECK(list_emergency_codes(f.db).empty());
}

TEST_CASE("two processes spending the same emergency code at once: exactly one wins") {
  test::temp_dir dir;
  auto path = dir.path() / "race.db";
  std::int64_t user = 0;
  {
    auto db = database::open(path, true);
    user = insert_user(db, "alice", "", 1);
  }
  for (std::int64_t round = 1; round <= 20; ++round) {
    {
      auto db = database::open(path);
      replace_emergency_code(db, user, "hash", round);
    }
    CHECK(race_two_processes(path, [&](database& db) { return spend_emergency_code(db, user, round); }) == 1);
  }
}
