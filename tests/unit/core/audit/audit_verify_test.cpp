#include "core/audit/audit_verify.hpp"

#include <doctest/doctest.h>

#include "core/audit/audit_head_log.hpp"
#include "core/util/encoding.hpp"
#include "tests/unit/core/audit/audit_fixture.hpp"

using namespace sekisho;
using namespace sekisho::audit;

namespace {

std::pair<std::int64_t, std::string> head_of(store::database& db) {
  auto h = store::audit_head(db);
  REQUIRE(h);
  return {h->seq, hex_encode(h->hash)};
}

}  // namespace

TEST_CASE("an untouched chain verifies") {
  test::audit_fixture f;
  CHECK(verify_chain(f.db, f.key).ok);  // empty
  f.append(20);
  auto r = verify_chain(f.db, f.key, head_of(f.db));
  CHECK(r.ok);
  CHECK(r.records == 20);
  CHECK(r.first_bad_seq == 0);
  CHECK(r.problem.empty());
  REQUIRE(r.head);
  CHECK(r.head->seq == 20);
}

TEST_CASE("an edited field is named by its record") {
  for (std::string column : {"time = time + 1", "event = 'login.logout'", "user = 'someone_else'",
                             "source = '10.0.0.1'", "channel = 'cli'", "method = 'totp'", "result = 'denied'",
                             "details = '{}'"}) {
    CAPTURE(column);
    test::audit_fixture f;
    f.append(10);
    f.db.exec("UPDATE audit_log SET " + column + " WHERE seq = 5");
    auto r = verify_chain(f.db, f.key);
    CHECK_FALSE(r.ok);
    CHECK(r.first_bad_seq == 5);
    CHECK(r.records == 4);
    CHECK(r.problem == "record 5 was edited or forged (its hash does not match)");
  }
}

TEST_CASE("a deleted record is named by its missing number") {
  test::audit_fixture f;
  f.append(10);
  f.db.exec("DELETE FROM audit_log WHERE seq = 5");
  auto r = verify_chain(f.db, f.key);
  CHECK_FALSE(r.ok);
  CHECK(r.first_bad_seq == 5);  // the missing record, not its successor 6
  CHECK(r.problem == "record 5 is missing (gap after 4)");
}

TEST_CASE("deleting the first records is detected") {
  test::audit_fixture f;
  f.append(5);
  f.db.exec("DELETE FROM audit_log WHERE seq <= 2");
  auto r = verify_chain(f.db, f.key);
  CHECK_FALSE(r.ok);
  CHECK(r.first_bad_seq == 1);
}

TEST_CASE("a deleted record hidden by renumbering the rest is detected") {
  test::audit_fixture f;
  f.append(10);
  f.db.exec("DELETE FROM audit_log WHERE seq = 5");
  f.db.exec("UPDATE audit_log SET seq = seq - 1 WHERE seq > 5");
  auto r = verify_chain(f.db, f.key);
  CHECK_FALSE(r.ok);
  CHECK(r.first_bad_seq == 5);
}

TEST_CASE("a forged record inserted with renumbering is detected") {
  test::audit_fixture f;
  f.append(10);
  // Make room after record 5 (backwards, so the primary key never collides), then insert a
  // plausible record that links to 5 but whose hash the forger had to guess.
  for (int s = 10; s > 5; --s) f.db.exec("UPDATE audit_log SET seq = seq + 1 WHERE seq = " + std::to_string(s));
  f.db.exec(
      "INSERT INTO audit_log SELECT 6, time + 1, 'login.second_factor', user, source, channel, 'totp', 'success', "
      "'{}', hash, randomblob(32) FROM audit_log WHERE seq = 5");
  auto r = verify_chain(f.db, f.key);
  CHECK_FALSE(r.ok);
  CHECK(r.first_bad_seq == 6);
}

TEST_CASE("two records swapped are detected as out of order") {
  test::audit_fixture f;
  f.append(10);
  const std::string cols = "time, event, user, source, channel, method, result, details, prev_hash, hash";
  f.db.exec("CREATE TEMP TABLE saved AS SELECT * FROM audit_log WHERE seq IN (5, 6)");
  f.db.exec("UPDATE audit_log SET (" + cols + ") = (SELECT " + cols + " FROM saved WHERE seq = 6) WHERE seq = 5");
  f.db.exec("UPDATE audit_log SET (" + cols + ") = (SELECT " + cols + " FROM saved WHERE seq = 5) WHERE seq = 6");
  auto r = verify_chain(f.db, f.key);
  CHECK_FALSE(r.ok);
  CHECK(r.first_bad_seq == 5);
  CHECK(r.problem.starts_with("records out of order at 5"));
}

TEST_CASE("a cut-off tail is only visible against the head logged before") {
  test::audit_fixture f;
  f.append(12);
  const auto logged = head_of(f.db);  // what authd wrote to syslog
  f.db.exec("DELETE FROM audit_log WHERE seq > 9");
  CHECK(verify_chain(f.db, f.key).ok);  // a shorter chain is still a valid chain
  auto r = verify_chain(f.db, f.key, logged);
  CHECK_FALSE(r.ok);
  CHECK(r.first_bad_seq == 10);
  CHECK(r.problem.starts_with("chain is shorter than the expected head 12"));

  SUBCASE("the head line copied from the journal works the same") {
    auto parsed = parse_head_line("Nov 25 15:04:05 gate sekisho[812]: " +
                                  format_head_line(logged.first, *hex_decode(logged.second)));
    REQUIRE(parsed);
    CHECK(verify_chain(f.db, f.key, *parsed).first_bad_seq == 10);
  }
}

TEST_CASE("records appended after the head was logged are fine") {
  test::audit_fixture f;
  f.append(5);
  const auto logged = head_of(f.db);
  store::append_audit(f.db, f.key, test::audit_fixture::event(6), 9000);
  CHECK(verify_chain(f.db, f.key, logged).ok);
}

TEST_CASE("a tail cut and re-appended is caught by the logged head") {
  test::audit_fixture f;
  f.append(8);
  const auto logged = head_of(f.db);
  // Someone with the key (or authd itself, misled) writes different records 6..8.
  f.db.exec("DELETE FROM audit_log WHERE seq > 5");
  for (int i = 0; i < 3; ++i) store::append_audit(f.db, f.key, test::audit_fixture::event(100 + i), 9000);
  CHECK(verify_chain(f.db, f.key).ok);
  auto r = verify_chain(f.db, f.key, logged);
  CHECK_FALSE(r.ok);
  CHECK(r.first_bad_seq == 8);
}

TEST_CASE("a chain rewritten with another key fails against the real key") {
  test::audit_fixture f;
  f.append(6);
  // The attacker rebuilds the whole table, with an edit, using a key of their own.
  const secret forged_key(std::string(32, 'A'));
  test::temp_dir other;
  auto forged = store::database::open(other.path() / "forged.db", true);
  store::for_each_audit_record(f.db, std::nullopt, [&](const audit_record& rec) {
    audit_event e = rec;
    if (rec.seq == 3) e.result = "success";
    store::append_audit(forged, forged_key, e, rec.time);
    return true;
  });
  CHECK(verify_chain(forged, forged_key).ok);  // internally consistent…
  auto r = verify_chain(forged, f.key);         // …but not under the real key
  CHECK_FALSE(r.ok);
  CHECK(r.first_bad_seq == 1);
}

TEST_CASE("a malformed expected head is reported, not trusted") {
  test::audit_fixture f;
  f.append(3);
  auto r = verify_chain(f.db, f.key, std::pair<std::int64_t, std::string>{3, "zz"});
  CHECK_FALSE(r.ok);
  CHECK_FALSE(r.problem.empty());
}
