// breakglass.open through the real request table: password + the sealed emergency code (or, where the site
// allows it, a recovery code) + a typed reason open a short session marked "break_glass", raised as a warning
// in the audit trail. Each code works once, and wrong codes are throttled like any second factor.
#include "authd/break_glass_requests.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "core/recovery/recovery_codes.hpp"
#include "core/store/emergency_store.hpp"
#include "tests/unit/authd/webauthn_table.hpp"

using namespace sekisho;
using namespace sekisho::authd;
using namespace sekisho::test;
using nlohmann::json;

namespace {

const std::string stated_reason = "救急搬送の患者。担当医の端末が故障";
const std::string wrong_code = "0000-0000-0000";  // a code's shape, nobody's code
constexpr std::chrono::seconds lifetime{600};

// The WebAuthn table plus breakglass.open, wired as cli/cmd_daemon.cpp does, with break-glass on and
// sessions shorter than both of cfg.session's timeouts.
struct break_glass_table : webauthn_table {
  break_glass_table() {
    cfg.break_glass.enabled = true;
    cfg.break_glass.session_lifetime = lifetime;
    register_break_glass_requests(table, cfg.break_glass, auth, sessions, pool);
  }

  // A sealed emergency code for the user, issued as `sekisho break-glass issue` does.
  std::string issue_code(std::int64_t user_id) {
    const auto set = recovery::generate_codes(auth.recovery_hashing(), 1);
    auto db = pool.acquire();
    store::replace_emergency_code(*db, user_id, set.hashes.at(0), now);
    return set.codes.at(0);
  }
  bool code_sealed(std::int64_t user_id) {
    auto db = pool.acquire();
    return store::unused_emergency_code(*db, user_id).has_value();
  }

  static json request(const std::string& user, const std::string& code, const std::string& reason = stated_reason,
                      const std::string& password = user_password) {
    return {{"op", "breakglass.open"}, {"user", user},     {"password", password}, {"code", code},
            {"reason", reason},        {"channel", "web"}, {"source", here}};
  }
  json open(const std::string& user, const std::string& code, const std::string& reason = stated_reason,
            const std::string& password = user_password) {
    return run(request(user, code, reason, password));
  }
  json open_session(const std::string& user, const std::string& code) {
    auto req = request(user, code);
    req["open_session"] = true;
    return run(req);
  }

  std::vector<audit::audit_record> records_of(const std::string& event) {
    std::vector<audit::audit_record> out;
    auto db = pool.acquire();
    store::for_each_audit_record(*db, std::nullopt, [&](const audit::audit_record& r) {
      if (r.event == event) out.push_back(r);
      return true;
    });
    return out;
  }
};

json bad_request(const char* field) { return {{"ok", false}, {"error", "bad_request"}, {"field", field}}; }

}  // namespace

TEST_CASE("breakglass.open: password, emergency code and reason open a short session marked break_glass") {
  break_glass_table t;
  const auto nurse = t.add_user("nurse", user_password);
  t.add_totp(nurse);
  const auto code = t.issue_code(nurse);

  const auto r = t.open_session("nurse", code);
  CHECK(r["ok"] == true);
  CHECK(r["result"] == "ok");
  CHECK(r["user"] == "nurse");
  CHECK(r["expires_in"] == lifetime.count());
  REQUIRE(r["session"].is_string());
  CHECK_FALSE(t.code_sealed(nurse));

  const auto s = t.run({{"op", "session.check"}, {"session", r["session"]}});
  CHECK(s["ok"] == true);
  CHECK(s["user"] == "nurse");
  CHECK(s["method"] == "break_glass");
  CHECK(s["factors"] == 2);
  // Its own lifetime, not the shift-long absolute timeout (nor the idle one, which is longer still).
  REQUIRE(lifetime < t.cfg.session.idle_timeout);
  REQUIRE(lifetime < t.cfg.session.absolute_timeout);
  CHECK(s["expires_at"] == t.now + lifetime.count());
  t.now += lifetime.count() - 1;
  CHECK(t.run({{"op", "session.check"}, {"session", r["session"]}})["ok"] == true);
  t.now += 1;
  CHECK(t.run({{"op", "session.check"}, {"session", r["session"]}}) == json{{"ok", false}, {"error", "no_session"}});
}

TEST_CASE("breakglass.open: a warning in the audit trail carries the stated reason, never the code") {
  break_glass_table t;
  const auto nurse = t.add_user("nurse", user_password);
  t.add_totp(nurse);
  const auto code = t.issue_code(nurse);
  REQUIRE(t.open("nurse", code)["result"] == "ok");

  const auto opened = t.records_of("break_glass.open");
  REQUIRE(opened.size() == 1);
  CHECK(opened[0].user == "nurse");
  CHECK(opened[0].result == "warning");
  CHECK(opened[0].method == "break_glass");
  CHECK(opened[0].source == here);
  CHECK(opened[0].channel == "web");
  const auto details = json::parse(opened[0].details);
  CHECK(details["stated_reason"] == stated_reason);
  CHECK(details["lifetime_seconds"] == "600");
  // The code was checked as a second factor: throttled and audited like any other.
  const auto factor = t.records_of("login.second_factor");
  REQUIRE(factor.size() == 1);
  CHECK(factor[0].result == "success");
  CHECK(factor[0].method == "break_glass");
  CHECK(json::parse(factor[0].details)["reason"] == "emergency_code");
  const auto typed = *recovery::normalize_code(code);
  for (const auto& line : t.audit_lines()) {
    CHECK(line.find(code) == std::string::npos);
    CHECK(line.find(typed) == std::string::npos);
  }
}

TEST_CASE("breakglass.open: no session unless asked for one") {
  break_glass_table t;
  const auto nurse = t.add_user("nurse", user_password);
  t.add_totp(nurse);
  const auto r = t.open("nurse", t.issue_code(nurse));
  CHECK(r["result"] == "ok");
  CHECK_FALSE(r.contains("session"));
}

TEST_CASE("breakglass.open: an emergency code works once; a new one voids the old") {
  break_glass_table t;
  const auto nurse = t.add_user("nurse", user_password);
  t.add_totp(nurse);
  const auto code = t.issue_code(nurse);
  REQUIRE(t.open("nurse", code)["result"] == "ok");
  CHECK(t.open("nurse", code) == denied);
  CHECK(t.records_of("break_glass.open").size() == 1);

  const auto before = t.issue_code(nurse);
  const auto after = t.issue_code(nurse);
  CHECK(t.open("nurse", before) == denied);
  CHECK(t.open("nurse", after)["result"] == "ok");
}

TEST_CASE("breakglass.open: a user with no second factor yet gets in with password and code") {
  break_glass_table t;
  const auto clerk = t.add_user("clerk", user_password);
  REQUIRE(t.password_step("clerk")["result"] == "not_enrolled");
  const auto r = t.open_session("clerk", t.issue_code(clerk));
  CHECK(r["result"] == "ok");
  REQUIRE(r["session"].is_string());
  CHECK(t.run({{"op", "session.check"}, {"session", r["session"]}})["method"] == "break_glass");
}

TEST_CASE("breakglass.open: a wrong password is denied and leaves the code sealed") {
  break_glass_table t;
  const auto nurse = t.add_user("nurse", user_password);
  t.add_totp(nurse);
  const auto code = t.issue_code(nurse);
  CHECK(t.open("nurse", code, stated_reason, "wrong-Password#1") == denied);
  CHECK(t.open("nobody", code) == denied);
  CHECK(t.code_sealed(nurse));
  CHECK(t.records_of("login.second_factor").empty());
  CHECK(t.records_of("break_glass.open").empty());
  CHECK(t.open("nurse", code)["result"] == "ok");
}

TEST_CASE("breakglass.open: wrong codes are throttled like any second factor, and the code stays sealed") {
  break_glass_table t;
  const auto nurse = t.add_user("nurse", user_password);
  t.add_totp(nurse);
  const auto code = t.issue_code(nurse);

  json r;
  int tries = 0;
  do r = t.open("nurse", wrong_code);
  while (r == denied && ++tries < 20);
  CHECK(tries == t.cfg.throttle.free_failures + 1);
  CHECK(r == json{{"ok", true}, {"result", "throttled"}, {"retry_after", t.cfg.throttle.base_delay.count()}});
  CHECK(t.audit_count("wrong_emergency_code") == tries);
  // Even the right code waits, and is not spent by waiting; the login page waits too: one count.
  CHECK(t.open("nurse", code)["result"] == "throttled");
  CHECK(t.password_step("nurse")["result"] == "throttled");
  CHECK(t.code_sealed(nurse));
  t.now += t.cfg.throttle.base_delay.count();
  CHECK(t.open("nurse", code)["result"] == "ok");
}

TEST_CASE("breakglass.open: a recovery code stands in for the emergency code only where the site allows it") {
  break_glass_table t;
  const auto nurse = t.add_user("nurse", user_password);
  t.add_totp(nurse);
  const auto codes = t.add_recovery_codes(nurse);
  t.issue_code(nurse);

  CHECK(t.open("nurse", codes[0]) == denied);
  CHECK(t.recovery_codes_of(nurse) == codes.size());

  t.cfg.break_glass.accept_recovery_codes = true;
  CHECK(t.open("nurse", codes[0])["result"] == "ok");
  CHECK(t.recovery_codes_of(nurse) == codes.size() - 1);
  CHECK(t.code_sealed(nurse));  // the recovery code was spent, not the emergency code
  CHECK(json::parse(t.records_of("login.second_factor").back().details)["reason"] == "recovery_code");
  CHECK(t.open("nurse", codes[0]) == denied);
}

TEST_CASE("breakglass.open: a disabled user is refused and the code stays sealed") {
  break_glass_table t;
  const auto nurse = t.add_user("nurse", user_password);
  t.add_totp(nurse);
  const auto code = t.issue_code(nurse);
  t.set_disabled(nurse);
  CHECK(t.open("nurse", code) == answer_is("disabled"));
  CHECK(t.code_sealed(nurse));
  CHECK(t.records_of("break_glass.open").empty());
}

TEST_CASE("breakglass.open: off unless enabled, and then nothing is checked or spent") {
  break_glass_table t;
  const auto nurse = t.add_user("nurse", user_password);
  t.add_totp(nurse);
  const auto code = t.issue_code(nurse);
  t.cfg.break_glass.enabled = false;
  CHECK(t.open("nurse", code) == answer_is("not_enabled"));
  CHECK(t.open("nurse", code, stated_reason, "wrong-Password#1") == answer_is("not_enabled"));
  CHECK(t.code_sealed(nurse));
  CHECK(t.audit_lines().empty());
}

TEST_CASE("breakglass.open: the reason is required, at least 4 bytes, one printable line, at most 200 characters") {
  break_glass_table t;
  const auto nurse = t.add_user("nurse", user_password);
  t.add_totp(nurse);
  const auto code = t.issue_code(nurse);

  auto missing = break_glass_table::request("nurse", code);
  missing.erase("reason");
  CHECK(t.run(missing) == bad_request("reason"));
  auto not_text = break_glass_table::request("nurse", code);
  not_text["reason"] = 42;
  CHECK(t.run(not_text) == bad_request("reason"));
  const std::vector<std::string> refused_reasons = {
      "", "abc", "急", "    ", "chest pain\nward 3 says ok", "tab\there", "red \x1b[31malert", std::string(201, 'x')};
  for (const auto& reason : refused_reasons) {
    CAPTURE(reason);
    CHECK(t.open("nurse", code, reason) == bad_request("reason"));
  }
  CHECK(t.code_sealed(nurse));
  CHECK(t.audit_lines().empty());

  // At the limits: 4 bytes, and 200 characters of three bytes each. A wrong code shows the reason passed.
  std::string longest;
  for (int i = 0; i < 200; ++i) longest += "急";
  CHECK(t.open("nurse", wrong_code, "flu!") == denied);
  CHECK(t.open("nurse", wrong_code, longest) == denied);
}
