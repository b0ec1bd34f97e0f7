// health and metrics through the real request table: health proves the database takes a write and says whether
// the clock is synchronised; metrics counts login outcomes as the audit trail records them, throttled attempts,
// and live web and break-glass sessions. A clock that is not synchronised is warned about once, in the audit.
#include "authd/status_requests.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "authd/login_requests.hpp"
#include "tests/unit/core/login/login_fixture.hpp"

using namespace sekisho;
using namespace sekisho::authd;
using nlohmann::json;

namespace {

const std::string the_password = "Sakura-Hana#2026";

struct status_table : test::login_fixture {
  pending_logins pending;
  session::session_book sessions{pool, cfg.session, [this] { return now; }};
  clock_sync clock = clock_sync::synchronised;  // what the kernel "says"
  request_table table = make_table();
  caller gateway{.uid = 1234, .gid = 1234, .pid = 99, .admin = false};

  request_table make_table() {
    request_table t;
    register_login_requests(t, auth, pending, sessions, [this] { return now; });
    register_status_requests(t, {pool, sessions, auth, [this] { return clock; }});
    return t;
  }
  json run(const json& req) { return table.dispatch(req, gateway, req.dump().size()); }

  json login(const std::string& user, const std::string& pw, const std::string& code, const char* channel = "web") {
    const auto first = run({{"op", "login.password"}, {"user", user}, {"password", pw}, {"channel", channel},
                            {"source", "192.0.2.7"}});
    if (first["result"] != "ok") return first;
    return run({{"op", "login.second_factor"}, {"pending", first["pending"]}, {"code", code}, {"channel", channel},
                {"source", "192.0.2.7"}, {"open_session", true}});
  }

  // count of metrics' logins entry for (channel, method, result); 0 when absent.
  static std::uint64_t logins(const json& m, const char* channel, const char* method, const char* result) {
    for (const auto& e : m["logins"])
      if (e["channel"] == channel && e["method"] == method && e["result"] == result) return e["count"].get<std::uint64_t>();
    return 0;
  }
};

}  // namespace

TEST_CASE("health: the database takes a write and the clock state is reported") {
  status_table t;
  auto h = t.run({{"op", "health"}});
  CHECK(h == json{{"ok", true}, {"database_writable", true}, {"clock_synchronised", true}, {"clock", "synchronised"}});

  t.clock = clock_sync::unsynchronised;
  h = t.run({{"op", "health"}});
  CHECK(h["clock_synchronised"] == false);
  CHECK(h["clock"] == "unsynchronised");
  t.clock = clock_sync::unknown;
  CHECK(t.run({{"op", "health"}})["clock_synchronised"] == false);
  t.clock = clock_sync::not_checked;  // authd.clock_check = false
  CHECK(t.run({{"op", "health"}})["clock_synchronised"] == true);

  // The probe changes nothing: the schema version stays, and so do the tables.
  auto db = t.pool.acquire();
  auto st = db->prepare("PRAGMA user_version");
  REQUIRE(st.step());
  CHECK(st.column_int(0) > 0);
}

TEST_CASE("health: a database held by another writer is reported, not an error") {
  status_table t;  // the probe waits out SQLite's busy timeout (5 s), then says no
  auto holder = t.pool.acquire();
  store::transaction hold(*holder);  // BEGIN IMMEDIATE: the write lock, until this test ends
  const auto h = t.run({{"op", "health"}});
  CHECK(h["ok"] == true);
  CHECK(h["database_writable"] == false);
  // Asked again at once (anyone may ask, often): the last probe's answer, without waiting on the lock again.
  const auto started = std::chrono::steady_clock::now();
  CHECK(t.run({{"op", "health"}})["database_writable"] == false);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(1));
}

TEST_CASE("health and metrics are client requests with a small size limit") {
  status_table t;
  for (const char* op : {"health", "metrics"}) {
    const auto* entry = t.table.find(op);
    REQUIRE(entry != nullptr);
    CHECK(entry->allowed == permission::client);
    CHECK(entry->max_request_bytes == 256);
    CHECK(t.table.dispatch({{"op", op}}, t.gateway, 300) == json{{"ok", false}, {"error", "request_too_large"}});
  }
}

TEST_CASE("metrics: login outcomes by channel, method and result, throttled attempts, live sessions") {
  status_table t;  // throttle: 5 free failures per user
  const auto nurse = t.add_user("nurse", the_password);
  const auto seed = t.add_totp(nurse);

  auto m = t.run({{"op", "metrics"}});
  CHECK(m == json{{"ok", true},
                  {"logins", json::array()},
                  {"throttled", json::array()},
                  {"sessions", {{"web", 0}, {"break_glass", 0}}}});

  REQUIRE(t.login("nurse", the_password, t.code(seed))["result"] == "ok");
  m = t.run({{"op", "metrics"}});
  CHECK(status_table::logins(m, "web", "totp", "success") == 1);
  // The passed password step is not an outcome of its own: the second factor's record counts the login.
  CHECK(status_table::logins(m, "web", "password", "success") == 0);
  CHECK(m["sessions"] == json{{"web", 1}, {"break_glass", 0}});

  // A wrong password over SSH, then a wrong code on the web.
  CHECK(t.login("nurse", "Wrong-Password#1", "", "ssh")["result"] == "denied");
  t.now += 30;
  CHECK(t.login("nurse", the_password, test::login_fixture::other_code(t.code(seed)))["result"] == "denied");
  m = t.run({{"op", "metrics"}});
  CHECK(status_table::logins(m, "ssh", "password", "failure") == 1);
  CHECK(status_table::logins(m, "web", "totp", "failure") == 1);
  CHECK(status_table::logins(m, "web", "totp", "success") == 1);

  // Past the free failures the throttle refuses before checking anything.
  json refused;
  for (int i = 0; i < 12 && refused.is_null(); ++i) {
    const auto r = t.login("nurse", "Wrong-Password#1", "");
    if (r["result"] == "throttled" || r["result"] == "locked") refused = r;
  }
  REQUIRE_FALSE(refused.is_null());
  m = t.run({{"op", "metrics"}});
  REQUIRE(m["throttled"].size() == 1);
  CHECK(m["throttled"][0]["channel"] == "web");
  CHECK(m["throttled"][0]["count"].get<int>() >= 1);
  CHECK(status_table::logins(m, "web", "password", "throttled") + status_table::logins(m, "web", "password", "locked") ==
        m["throttled"][0]["count"].get<std::uint64_t>());
}

TEST_CASE("metrics: live sessions count break-glass ones apart, and forget ended ones") {
  status_table t;
  const auto nurse = t.add_user("nurse", the_password);
  const auto doctor = t.add_user("doctor", the_password);
  t.sessions.open(nurse, 2, "totp", "192.0.2.7");
  t.sessions.open(doctor, 2, "break_glass", "192.0.2.8", std::chrono::seconds(600));
  auto m = t.run({{"op", "metrics"}});
  CHECK(m["sessions"] == json{{"web", 2}, {"break_glass", 1}});
  t.now += 601;  // past the break-glass lifetime, within the other's idle timeout (15 min)
  m = t.run({{"op", "metrics"}});
  CHECK(m["sessions"] == json{{"web", 1}, {"break_glass", 0}});
  t.now += 900;  // idle too long
  CHECK(t.run({{"op", "metrics"}})["sessions"] == json{{"web", 0}, {"break_glass", 0}});
}

TEST_CASE("report_clock_at_start: an unsynchronised clock is audited once as a warning; a good one is not") {
  status_table t;
  report_clock_at_start(clock_sync::synchronised, t.auth, t.pool);
  report_clock_at_start(clock_sync::not_checked, t.auth, t.pool);
  CHECK(t.audit_lines().empty());
  report_clock_at_start(clock_sync::unsynchronised, t.auth, t.pool);
  const auto lines = t.audit_lines();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].starts_with("system.clock_unsynchronised warning "));
  CHECK(lines[0].find("channel=system") != std::string::npos);
  // Not a login: the metrics do not count it.
  CHECK(t.run({{"op", "metrics"}})["logins"] == json::array());
}
