#include "core/throttle/throttle.hpp"

#include <doctest/doctest.h>

#include "core/store/database.hpp"
#include "tests/unit/temp_dir.hpp"

using namespace sekisho;

namespace {

struct fixture {
  test::temp_dir dir;
  store::database db = store::database::open(dir.path() / "t.db", true);
  throttle_config cfg;
  throttle::throttle t{cfg};
};

}  // namespace

TEST_CASE("delays start after the free failures and double up to the cap") {
  throttle_config c;  // free 5, base 2 s, max 15 min
  CHECK(throttle::delay_after(5, 5, c).count() == 0);
  CHECK(throttle::delay_after(6, 5, c).count() == 2);
  CHECK(throttle::delay_after(7, 5, c).count() == 4);
  CHECK(throttle::delay_after(14, 5, c).count() == 512);
  CHECK(throttle::delay_after(15, 5, c).count() == 900);
  CHECK(throttle::delay_after(99, 5, c).count() == 900);
}

TEST_CASE("a user is delayed after repeated failures and may try again once the delay has passed") {
  fixture f;
  std::int64_t now = 1000;
  for (int i = 0; i < 5; ++i) {
    CHECK(f.t.check(f.db, "alice", "10.0.0.5", now).allowed);
    f.t.record_failure(f.db, "alice", "10.0.0.5", now);
  }
  CHECK(f.t.check(f.db, "alice", "10.0.0.5", now).allowed);  // five failures are free
  f.t.record_failure(f.db, "alice", "10.0.0.5", now);
  auto v = f.t.check(f.db, "alice", "10.0.0.6", now);  // another address does not help
  CHECK_FALSE(v.allowed);
  CHECK(v.retry_after == 2);
  CHECK(f.t.check(f.db, "alice", "10.0.0.5", now + 2).allowed);
  CHECK(f.t.check(f.db, "bob", "10.0.0.5", now).allowed);  // other users are not slowed by alice's count
}

TEST_CASE("a successful login clears the user's count but not the address's") {
  fixture f;
  for (int i = 0; i < 25; ++i) f.t.record_failure(f.db, i < 24 ? "mallory" : "alice", "10.9.9.9", 100);
  f.t.record_success(f.db, "mallory");
  CHECK(f.t.check(f.db, "mallory", "10.0.0.1", 100).allowed);
  auto v = f.t.check(f.db, "carol", "10.9.9.9", 100);  // 25 failures from one address > 20 free
  CHECK_FALSE(v.allowed);
  CHECK(v.retry_after > 0);
}

TEST_CASE("an address's count is forgotten after forget_after; a user's is not") {
  fixture f;
  for (int i = 0; i < 30; ++i) f.t.record_failure(f.db, "u" + std::to_string(i), "10.1.1.1", 100);
  for (int i = 0; i < 10; ++i) f.t.record_failure(f.db, "dave", "", 100);
  const std::int64_t later = 100 + 24 * 3600;
  f.t.forget_old(f.db, later);
  CHECK(f.t.check(f.db, "erin", "10.1.1.1", later).allowed);
  CHECK(f.t.check(f.db, "dave", "", later).allowed);  // delay passed…
  f.t.record_failure(f.db, "dave", "", later);        // …but the next failure continues the count
  CHECK(f.t.check(f.db, "dave", "", later).retry_after > 60);
}

TEST_CASE("100 consecutive failures lock the name until unlock, for accounts and non-accounts alike") {
  fixture f;
  int n = 0;
  for (int i = 0; i < 100; ++i) n = f.t.record_failure(f.db, "admin", "10.2.2.2", 100 + i * 1000);
  CHECK(n == 100);
  auto v = f.t.check(f.db, "admin", "10.3.3.3", 10'000'000);
  CHECK(v.locked);
  CHECK_FALSE(v.allowed);
  f.t.forget_old(f.db, 10'000'000);
  CHECK(f.t.check(f.db, "admin", "10.3.3.3", 10'000'000).locked);  // time does not lift a lock
  f.t.unlock(f.db, "admin");
  CHECK(f.t.check(f.db, "admin", "10.3.3.3", 10'000'000).allowed);
}
