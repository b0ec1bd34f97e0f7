#include "core/store/factor_store.hpp"

#include <doctest/doctest.h>

#include "core/store/user_store.hpp"
#include "tests/unit/core/store/two_process_race.hpp"
#include "tests/unit/temp_dir.hpp"

using namespace sekisho;
using namespace sekisho::store;
using sekisho::test::race_two_processes;

TEST_CASE("a TOTP step is accepted once, and never an older one after a newer") {
  test::temp_dir dir;
  auto db = database::open(dir.path() / "f.db", true);
  auto user = insert_user(db, "alice", "", 1);
  auto id = insert_totp(db, user, "phone", "SHA1", 6, 30, true, 1);
  CHECK(advance_totp_step(db, id, 1000));
  CHECK_FALSE(advance_totp_step(db, id, 1000));  // replay
  CHECK_FALSE(advance_totp_step(db, id, 999));   // older code after a newer one
  CHECK(advance_totp_step(db, id, 1001));
}

TEST_CASE("two processes spending the same TOTP step at once: exactly one wins") {
  test::temp_dir dir;
  auto path = dir.path() / "race.db";
  std::int64_t id = 0;
  {
    auto db = database::open(path, true);
    id = insert_totp(db, insert_user(db, "alice", "", 1), "phone", "SHA1", 6, 30, true, 1);
  }
  for (std::int64_t step = 1; step <= 20; ++step)
    CHECK(race_two_processes(path, [&](database& db) { return advance_totp_step(db, id, step); }) == 1);
}

TEST_CASE("two processes spending the same recovery code at once: exactly one wins") {
  test::temp_dir dir;
  auto path = dir.path() / "race.db";
  std::vector<std::int64_t> ids;
  {
    auto db = database::open(path, true);
    auto user = insert_user(db, "alice", "", 1);
    replace_recovery_codes(db, user, std::vector<std::string>(10, "hash"));
    for (auto& r : unused_recovery_codes(db, user)) ids.push_back(r.id);
  }
  for (auto id : ids) CHECK(race_two_processes(path, [&](database& db) { return spend_recovery_code(db, id, 5); }) == 1);
}

TEST_CASE("regenerating recovery codes voids the old set") {
  test::temp_dir dir;
  auto db = database::open(dir.path() / "f.db", true);
  auto user = insert_user(db, "alice", "", 1);
  replace_recovery_codes(db, user, {"a", "b"});
  auto old = unused_recovery_codes(db, user);
  replace_recovery_codes(db, user, {"c"});
  auto now = unused_recovery_codes(db, user);
  REQUIRE(now.size() == 1);
  CHECK(now[0].code_hash == "c");
  CHECK_FALSE(spend_recovery_code(db, old[0].id, 9));
}

TEST_CASE("an enrollment token works once and not after it expires") {
  test::temp_dir dir;
  auto db = database::open(dir.path() / "f.db", true);
  auto user = insert_user(db, "alice", "", 1);
  insert_enrollment_token(db, "h1", user, 100, 200);
  insert_enrollment_token(db, "h2", user, 100, 200);
  CHECK(consume_enrollment_token(db, "h1", 150) == user);
  CHECK_FALSE(consume_enrollment_token(db, "h1", 151).has_value());
  CHECK_FALSE(consume_enrollment_token(db, "h2", 200).has_value());
  CHECK_FALSE(consume_enrollment_token(db, "nope", 150).has_value());
}

TEST_CASE("deleting a user removes their factors; names are unique; an admin is a member of admins") {
  test::temp_dir dir;
  auto db = database::open(dir.path() / "f.db", true);
  auto user = insert_user(db, "alice", "Alice", 1);
  insert_totp(db, user, "phone", "SHA1", 6, 30, true, 1);
  set_groups(db, user, {"admins", "nurses"});
  CHECK(find_user(db, "alice")->groups == std::vector<std::string>{"admins", "nurses"});
  CHECK(is_admin(*find_user(db, "alice")));
  set_groups(db, user, {"nurses"});  // an admin is a member of admins: leaving the group ends it
  CHECK_FALSE(is_admin(*find_user(db, "alice")));
  CHECK_THROWS_AS(insert_user(db, "alice", "", 1), store_error);
  delete_user(db, user);
  CHECK(totp_for_user(db, user, false).empty());
  CHECK_FALSE(find_user(db, "alice").has_value());
}
