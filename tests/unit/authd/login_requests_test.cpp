#include "authd/login_requests.hpp"
#include "authd/session_requests.hpp"

#include <doctest/doctest.h>

#include <string>

#include "tests/unit/core/login/login_fixture.hpp"

using namespace sekisho;
using namespace sekisho::authd;
using nlohmann::json;

namespace {

// The login requests over a temp-dir state, dispatched through the table as authd's server does.
struct login_table : test::login_fixture {
  pending_logins pending;
  session::session_book sessions{pool, cfg.session, [this] { return now; }};
  request_table table = make_table();
  caller gateway{.uid = 1234, .gid = 1234, .pid = 99, .admin = false};

  request_table make_table() {
    request_table t;
    register_login_requests(t, auth, pending, sessions, [this] { return now; });
    return t;
  }
  json run(const json& req) { return table.dispatch(req, gateway, req.dump().size()); }

  json password(const std::string& user, const std::string& pw, const std::string& source = "192.0.2.7") {
    return run({{"op", "login.password"}, {"user", user}, {"password", pw}, {"channel", "web"}, {"source", source}});
  }
  json second_factor(const json& handle, const std::string& code, const std::string& source = "192.0.2.7") {
    return run({{"op", "login.second_factor"}, {"pending", handle}, {"code", code}, {"channel", "web"},
                {"source", source}});
  }
  static json status_request(const std::string& user) { return {{"op", "account.status"}, {"user", user}}; }
  json status(const std::string& user) { return run(status_request(user)); }
};

const json denied = {{"ok", true}, {"result", "denied"}};

json bad_request(const char* field) { return {{"ok", false}, {"error", "bad_request"}, {"field", field}}; }

}  // namespace

TEST_CASE("login.password then login.second_factor logs in with a TOTP code") {
  login_table t;
  const auto id = t.add_user("nurse", "Sakura-Hana#2026");
  const auto seed = t.add_totp(id);
  t.add_recovery_codes(id);

  const auto first = t.password("nurse", "Sakura-Hana#2026");
  CHECK(first["ok"] == true);
  CHECK(first["result"] == "ok");
  CHECK(first["user"] == "nurse");
  CHECK(first["must_change_password"] == false);
  CHECK(first["factors"] == json{{"totp", true}, {"webauthn", false}, {"recovery_codes_left", 10}});
  REQUIRE(first["pending"].is_string());
  CHECK(first["pending"].get<std::string>().size() >= 32);

  const auto second = t.second_factor(first["pending"], t.code(seed));
  CHECK(second == json{{"ok", true}, {"result", "ok"}, {"user", "nurse"}, {"method", "totp"}});
}

TEST_CASE("open_session: a successful second factor opens a web session that session.check knows") {
  login_table t;
  const auto id = t.add_user("nurse", "Sakura-Hana#2026");
  const auto seed = t.add_totp(id);
  register_session_requests(t.table, t.sessions);

  const auto first = t.password("nurse", "Sakura-Hana#2026");
  json req = {{"op", "login.second_factor"}, {"pending", first["pending"]}, {"code", t.code(seed)},
              {"channel", "web"}, {"source", "192.0.2.7"}, {"open_session", true}};
  const auto second = t.run(req);
  REQUIRE(second["result"] == "ok");
  REQUIRE(second["session"].is_string());
  const auto session = second["session"].get<std::string>();

  const auto check = t.run({{"op", "session.check"}, {"session", session}});
  CHECK(check["ok"] == true);
  CHECK(check["user"] == "nurse");
  CHECK(check["factors"] == 2);
  CHECK(check["method"] == "totp");
  CHECK(t.run({{"op", "session.check"}, {"session", session + "x"}}) == json{{"ok", false}, {"error", "no_session"}});
  CHECK(t.run({{"op", "session.check"}, {"session", 42}}) == json{{"ok", false}, {"error", "no_session"}});

  CHECK(t.run({{"op", "session.close"}, {"session", session}})["closed"] == true);
  CHECK(t.run({{"op", "session.check"}, {"session", session}})["ok"] == false);
}

TEST_CASE("no session is opened unless asked, and never by a failed login") {
  login_table t;
  const auto id = t.add_user("nurse", "Sakura-Hana#2026");
  const auto seed = t.add_totp(id);
  const auto first = t.password("nurse", "Sakura-Hana#2026");
  json wrong = {{"op", "login.second_factor"}, {"pending", first["pending"]}, {"code", "000000"},
                {"channel", "web"}, {"source", "192.0.2.7"}, {"open_session", true}};
  if (t.code(seed) == "000000") wrong["code"] = "111111";
  CHECK_FALSE(t.run(wrong).contains("session"));
  CHECK_FALSE(t.second_factor(first["pending"], t.code(seed)).contains("session"));
}

TEST_CASE("a wrong code is denied and the same pending login may try again") {
  login_table t;
  const auto seed = t.add_totp(t.add_user("nurse", "Sakura-Hana#2026"));
  const auto handle = t.password("nurse", "Sakura-Hana#2026")["pending"];
  const auto wrong = t.other_code(t.code(seed));
  CHECK(t.second_factor(handle, wrong) == denied);
  CHECK(t.second_factor(handle, "not a code") == denied);
  CHECK(t.second_factor(handle, t.code(seed))["result"] == "ok");
}

TEST_CASE("a code that was accepted once is refused the second time, in a new login too") {
  login_table t;
  const auto seed = t.add_totp(t.add_user("nurse", "Sakura-Hana#2026"));
  const auto code = t.code(seed);
  CHECK(t.second_factor(t.password("nurse", "Sakura-Hana#2026")["pending"], code)["result"] == "ok");
  CHECK(t.second_factor(t.password("nurse", "Sakura-Hana#2026")["pending"], code) == denied);
  bool audited = false;
  for (const auto& line : t.audit_lines()) audited = audited || line.find("replayed_code") != std::string::npos;
  CHECK(audited);
}

TEST_CASE("an unknown user, an impossible name and a wrong password get the identical reply") {
  login_table t;
  t.add_totp(t.add_user("nurse", "Sakura-Hana#2026"));
  CHECK(t.password("nurse", "wrong-Password#1") == denied);
  CHECK(t.password("nobody", "Sakura-Hana#2026") == denied);
  CHECK(t.password("Not A Name!", "Sakura-Hana#2026") == denied);
  // The combined request too: no step answers differently.
  const json combined = {{"op", "login.combined"}, {"user", "nobody"}, {"password", "x"}, {"code", "123456"},
                         {"channel", "ssh"}, {"source", "192.0.2.8"}};
  CHECK(t.run(combined) == denied);
}

TEST_CASE("repeated failures are throttled with a retry_after, then the wait passes") {
  login_table t;
  t.add_totp(t.add_user("nurse", "Sakura-Hana#2026"));
  json r;
  int tries = 0;
  do r = t.password("nurse", "wrong-Password#1");
  while (r["result"] == "denied" && ++tries < 20);
  CHECK(tries == t.cfg.throttle.free_failures + 1);
  CHECK(r == json{{"ok", true}, {"result", "throttled"}, {"retry_after", t.cfg.throttle.base_delay.count()}});
  // Even the right password waits: the throttle answers before any hash.
  CHECK(t.password("nurse", "Sakura-Hana#2026")["result"] == "throttled");
  t.now += t.cfg.throttle.base_delay.count();
  CHECK(t.password("nurse", "Sakura-Hana#2026")["result"] == "ok");
}

TEST_CASE("missing, mistyped, empty and oversized fields are refused, naming the field") {
  login_table t;
  t.add_totp(t.add_user("nurse", "Sakura-Hana#2026"));
  const json good = {{"op", "login.password"}, {"user", "nurse"}, {"password", "Sakura-Hana#2026"},
                     {"channel", "web"}, {"source", "192.0.2.7"}};
  auto with = [&](const char* key, const json& value) {
    json r = good;
    r[key] = value;
    return t.run(r);
  };
  auto without = [&](const char* key) {
    json r = good;
    r.erase(key);
    return t.run(r);
  };
  CHECK(with("user", std::string(257, 'a')) == bad_request("user"));
  CHECK(with("user", 42) == bad_request("user"));
  CHECK(with("user", "") == bad_request("user"));
  CHECK(without("user") == bad_request("user"));
  CHECK(with("password", std::string(1025, 'a')) == bad_request("password"));
  CHECK(with("password", json::array({"a"})) == bad_request("password"));
  CHECK(without("password") == bad_request("password"));
  CHECK(with("channel", "carrier-pigeon") == bad_request("channel"));
  CHECK(without("channel") == bad_request("channel"));
  CHECK(with("source", std::string(65, '1')) == bad_request("source"));
  CHECK(with("service", nullptr) == bad_request("service"));
  CHECK(with("host", std::string(256, 'h')) == bad_request("host"));
  CHECK(without("source")["result"] == "ok");  // source, service and host are optional

  const json factor = {{"op", "login.second_factor"}, {"pending", "x"}, {"code", std::string(65, '1')},
                       {"channel", "web"}};
  CHECK(t.run(factor) == bad_request("code"));
  CHECK(t.run({{"op", "login.second_factor"}, {"pending", std::string(129, 'p')}, {"code", "1"}, {"channel", "web"}}) ==
        bad_request("pending"));
  CHECK(t.run({{"op", "login.combined"}, {"user", "nurse"}, {"password", "x"}, {"channel", "ssh"}}) ==
        bad_request("code"));
  // Over the request's own limit, the handler never runs.
  CHECK(t.table.dispatch(good, t.gateway, 4097) == error_reply("request_too_large"));
  CHECK(t.table.dispatch(t.status_request("nurse"), t.gateway, 1025) == error_reply("request_too_large"));
}

TEST_CASE("a pending login works once, from its own address, for its own user") {
  login_table t;
  const auto seed = t.add_totp(t.add_user("nurse", "Sakura-Hana#2026"));
  const auto other_seed = t.add_totp(t.add_user("doctor", "Fuji-Yama#2026"));
  const auto handle = t.password("nurse", "Sakura-Hana#2026")["pending"];

  const json expired = {{"ok", true}, {"result", "expired"}};
  CHECK(t.second_factor(handle, t.code(seed), "198.51.100.9") == expired);  // another address
  CHECK(t.second_factor(handle, t.code(other_seed)) == denied);           // the doctor's code
  CHECK(t.second_factor("no-such-handle", t.code(seed)) == expired);
  CHECK(t.second_factor(handle, t.code(seed)) == json{{"ok", true}, {"result", "ok"}, {"user", "nurse"},
                                                       {"method", "totp"}});
  t.now += 30;  // a fresh code, so only the spent handle can be the reason
  CHECK(t.second_factor(handle, t.code(seed)) == expired);
  // The doctor's own login is not affected by the nurse's handle.
  CHECK(t.second_factor(t.password("doctor", "Fuji-Yama#2026")["pending"], t.code(other_seed))["user"] == "doctor");
}

TEST_CASE("account.status answers active, not_enrolled, disabled, locked or unknown") {
  login_table t;
  t.add_totp(t.add_user("nurse", "Sakura-Hana#2026"));
  t.add_user("doctor", "Fuji-Yama#2026");
  const auto clerk = t.add_user("clerk", "Kawa-Nagare#2026");
  t.add_totp(clerk);
  t.set_disabled(clerk);
  auto answer = [](const char* s) { return json{{"ok", true}, {"status", s}}; };

  CHECK(t.status("nurse") == answer("active"));
  CHECK(t.status("doctor") == answer("not_enrolled"));
  CHECK(t.status("clerk") == answer("disabled"));
  CHECK(t.status("nobody") == answer("unknown"));
  CHECK(t.status("Not A Name!") == answer("unknown"));
  CHECK(t.status(std::string(257, 'a')) == bad_request("user"));
  CHECK(t.run({{"op", "account.status"}}) == bad_request("user"));

  for (int i = 0; i < t.cfg.throttle.lock_after; ++i) {
    t.password("nurse", "wrong-Password#1");
    t.now += t.cfg.throttle.max_delay.count();
  }
  CHECK(t.status("nurse") == answer("locked"));
  CHECK(t.password("nurse", "Sakura-Hana#2026")["result"] == "locked");

  const auto entry = t.table.find("account.status");
  REQUIRE(entry != nullptr);
  CHECK(entry->allowed == permission::client);  // like the login requests: PAM callers ask it
}

TEST_CASE("login.joined splits the code off the end; the code is spent for every channel") {
  login_table t;
  const auto seed = t.add_totp(t.add_user("netadmin", "Router#Pass2026"));
  auto joined = [&](const std::string& secret_text, const char* channel) {
    return t.run({{"op", "login.joined"}, {"user", "netadmin"}, {"password_and_code", secret_text},
                  {"channel", channel}, {"source", "192.0.2.30"}, {"service", "radiusd"}, {"host", "core-sw1"},
                  {"tty", "ssh"}});
  };
  const auto code = t.code(seed);
  CHECK(joined("Router#Pass2026" + code, "radius") == json{{"ok", true}, {"result", "ok"}, {"method", "totp"}});
  // The same code again, over RADIUS or SSH: refused.
  CHECK(joined("Router#Pass2026" + code, "radius") == denied);
  CHECK(t.run({{"op", "login.combined"}, {"user", "netadmin"}, {"password", "Router#Pass2026"}, {"code", code},
               {"channel", "ssh"}, {"source", "192.0.2.30"}}) == denied);
  // No code at the end, or the password alone: denied like a wrong password.
  CHECK(joined("Router#Pass2026", "radius") == denied);
  CHECK(joined("Router#Pass20", "radius") == denied);
  // The audit trail names the channel, service, host and terminal.
  bool audited = false;
  for (const auto& line : t.audit_lines())
    audited = audited || (line.find("channel=radius") != std::string::npos && line.find("core-sw1") != std::string::npos &&
                          line.find("\"tty\":\"ssh\"") != std::string::npos);
  CHECK(audited);
  CHECK(t.run({{"op", "login.joined"}, {"user", "netadmin"}, {"password_and_code", std::string(1089, '1')},
               {"channel", "radius"}}) == bad_request("password_and_code"));
}
