#include "core/store/audit_store.hpp"

#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>

#include "core/audit/audit_verify.hpp"
#include "tests/unit/core/audit/audit_fixture.hpp"

using namespace sekisho;
using namespace sekisho::store;

TEST_CASE("appends number the records and link each to the one before") {
  test::audit_fixture f;
  CHECK_FALSE(audit_head(f.db));
  CHECK(append_audit(f.db, f.key, test::audit_fixture::event(1), 1000) == 1);
  CHECK(append_audit(f.db, f.key, test::audit_fixture::event(2), 1001) == 2);
  std::vector<audit::audit_record> seen;
  for_each_audit_record(f.db, std::nullopt, [&](const audit::audit_record& r) {
    seen.push_back(r);
    return true;
  });
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].prev_hash == audit::genesis_hash());
  CHECK(seen[1].prev_hash == seen[0].hash);
  CHECK(seen[1].user == "user2");
  CHECK(seen[1].time == 1001);
  auto head = audit_head(f.db);
  REQUIRE(head);
  CHECK(head->seq == 2);
  CHECK(head->hash == seen[1].hash);
}

TEST_CASE("an append inside a transaction that rolls back leaves no record") {
  test::audit_fixture f;
  f.append(3);
  {
    transaction tx(f.db);
    f.db.exec("UPDATE throttle SET failures = 0");  // the state change the record describes
    append_audit(f.db, f.key, test::audit_fixture::event(4), 2000);
    // no commit: e.g. the state change failed after the audit record was written
  }
  CHECK(f.count() == 3);
  CHECK(audit_head(f.db)->seq == 3);
  // The chain continues from 3, not from the lost 4.
  CHECK(append_audit(f.db, f.key, test::audit_fixture::event(5), 2001) == 4);
  CHECK(audit::verify_chain(f.db, f.key).ok);
}

TEST_CASE("appends inside a committed transaction commit with it") {
  test::audit_fixture f;
  {
    transaction tx(f.db);
    append_audit(f.db, f.key, test::audit_fixture::event(1), 1000);
    append_audit(f.db, f.key, test::audit_fixture::event(2), 1000);
    tx.commit();
  }
  CHECK(f.count() == 2);
  CHECK(audit::verify_chain(f.db, f.key).ok);
}

TEST_CASE("the since filter skips older records") {
  test::audit_fixture f;
  f.append(10);  // times 1010 … 1100
  std::vector<std::int64_t> seqs;
  for_each_audit_record(f.db, 1080, [&](const audit::audit_record& r) {
    seqs.push_back(r.seq);
    return true;
  });
  CHECK(seqs == std::vector<std::int64_t>{8, 9, 10});
}

TEST_CASE("two processes appending at once produce one valid chain") {
  test::temp_dir dir;
  const auto db_path = dir.path() / "sekisho.db";
  const auto key = test::audit_fixture::make_key(dir.path() / "audit.key");
  // SQLite connections must not cross fork(): the parent holds none while the children run.
  { database::open(db_path, true); }
  constexpr int per_process = 200;
  int go[2];
  REQUIRE(::pipe(go) == 0);
  pid_t kids[2];
  for (int k = 0; k < 2; ++k) {
    kids[k] = ::fork();
    REQUIRE(kids[k] >= 0);
    if (kids[k] == 0) {
      ::close(go[1]);
      try {
        auto db = database::open(db_path);
        char c;
        if (::read(go[0], &c, 1) != 1) ::_exit(3);
        for (int i = 0; i < per_process; ++i)
          append_audit(db, key, test::audit_fixture::event(k * 1000 + i), 5000 + i);
        ::_exit(0);
      } catch (...) {
        ::_exit(2);
      }
    }
  }
  ::close(go[0]);
  REQUIRE(::write(go[1], "xx", 2) == 2);
  ::close(go[1]);
  for (auto kid : kids) {
    int status = 0;
    REQUIRE(::waitpid(kid, &status, 0) == kid);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  auto db = database::open(db_path);
  auto report = audit::verify_chain(db, key);
  CHECK(report.ok);
  CHECK(report.records == 2 * per_process);
  int from_second = 0;
  for_each_audit_record(db, std::nullopt, [&](const audit::audit_record& r) {
    from_second += r.user.size() >= 8;  // "user1000" … "user1199"
    return true;
  });
  CHECK(from_second == per_process);
}

TEST_CASE("in every build, a secret in the details is refused and nothing is written") {
  test::audit_fixture f;
  f.append(2);
  const audit::audit_event leaky{"login.password", "u", "::1", "web", "password", "failure", "{\"password\":\"x\"}"};
  CHECK_THROWS_AS(append_audit(f.db, f.key, leaky, 2000), std::logic_error);
  CHECK(f.count() == 2);
  {
    // Inside a caller's transaction: the state change it records rolls back with it (fails closed).
    transaction tx(f.db);
    f.db.exec("INSERT INTO throttle(key, failures, last_failure_at) VALUES('user:u', 1, 2000)");
    CHECK_THROWS_AS(append_audit(f.db, f.key, leaky, 2000), std::logic_error);
  }
  auto st = f.db.prepare("SELECT count(*) FROM throttle");
  st.step();
  CHECK(st.column_int(0) == 0);
  CHECK(f.count() == 2);
  CHECK(audit::verify_chain(f.db, f.key).ok);
}
