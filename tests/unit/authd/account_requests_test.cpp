// The account page's requests through the real request table: what the overview shows a session's user,
// and the changes (password, recovery codes, another app) that need a two-factor login in the last 5 minutes.
#include "authd/account_requests.hpp"

#include <doctest/doctest.h>

#include <string>

#include "core/store/factor_store.hpp"
#include "core/store/user_store.hpp"
#include "core/util/digest.hpp"
#include "core/util/random.hpp"
#include "tests/unit/authd/webauthn_table.hpp"

using namespace sekisho;
using namespace sekisho::authd;
using namespace sekisho::test;
using nlohmann::json;

namespace {

const std::string elsewhere = "198.51.100.9";
const std::string new_password = "Momiji-Aki#2027";

// The WebAuthn table plus the account requests, wired as cli/cmd_daemon.cpp does.
struct account_table : webauthn_table {
  account_table() { register_account_requests(table, {auth, enroller, sessions, pool, clock()}); }

  // The portal leaves "channel" out: the account requests count as "web".
  json ask(const char* op, const std::string& session, json fields = json::object()) {
    json req = {{"op", op}, {"session", session}, {"source", here}};
    req.update(fields);
    return run(req);
  }
  json overview(const std::string& session) { return ask("account.overview", session); }
  json change_password(const std::string& session, const std::string& current, const std::string& next) {
    return ask("account.password", session, {{"current_password", current}, {"new_password", next}});
  }
  json end_others(const std::string& session) { return ask("account.sessions.end_others", session); }
  json renew_codes(const std::string& session) { return ask("account.recovery_codes", session); }
  json begin_app(const std::string& session) { return ask("account.app.begin", session); }
  json finish_app(const std::string& session, const std::string& code) {
    return ask("account.app.finish", session, {{"code", code}});
  }

  // A two-factor session opened just too long ago for a change.
  std::string stale_session_for(std::int64_t user) {
    now -= session::reauthentication_seconds;
    const auto id = session_for(user);
    now += session::reauthentication_seconds;
    return id;
  }
  bool live(const std::string& session) { return run({{"op", "session.check"}, {"session", session}})["ok"] == true; }
  std::string password_hash_of(const std::string& user) {
    auto db = pool.acquire();
    return store::find_user(*db, user)->password_hash;
  }
  std::size_t apps_of(std::int64_t user_id) {
    auto db = pool.acquire();
    return store::totp_for_user(*db, user_id, true).size();
  }
};

const json no_session = {{"ok", false}, {"error", "no_session"}};
const json reauthenticate = answer_is("reauthenticate");

}  // namespace

TEST_CASE("account.overview: the user, factors, freshness, own live sessions and recent logins") {
  account_table t;
  const auto nurse = t.add_user("nurse", user_password, "看護師 花子");
  const auto seed = t.add_totp(nurse);
  t.add_recovery_codes(nurse);
  const auto doctor = t.add_user("doctor", user_password);
  t.add_totp(doctor);

  // A failed login, a full login 60 s later, then a right password alone (a step, not a login).
  const auto failed_at = t.now;
  REQUIRE(t.password_step("nurse", elsewhere, "wrong-Password#1") == denied);
  REQUIRE(t.password_step("doctor", elsewhere, "wrong-Password#1") == denied);  // not the nurse's
  t.now += 60;
  const auto logged_in_at = t.now;
  REQUIRE(t.code_step(t.pending_for("nurse"), t.code(seed))["result"] == "ok");
  t.now += 60;
  REQUIRE(t.password_step("nurse")["result"] == "ok");

  // An idle-expired session, two live ones and the doctor's.
  t.now -= t.cfg.session.idle_timeout.count();
  const auto idle = t.session_for(nurse);
  t.now += t.cfg.session.idle_timeout.count();
  const auto asking = t.session_for(nurse);
  t.sessions.open(nurse, 2, "webauthn", elsewhere);
  t.session_for(doctor);

  const auto r = t.overview(asking);
  CHECK(r["ok"] == true);
  CHECK(r["result"] == "ok");
  CHECK(r["user"] == "nurse");
  CHECK(r["display_name"] == "看護師 花子");
  CHECK(r["apps"] == 1);
  CHECK(r["recovery_codes_left"] == 10);
  CHECK(r["fresh"] == true);

  REQUIRE(r["sessions"].size() == 2);
  for (const auto& s : r["sessions"]) {
    CAPTURE(s);
    CHECK(s["created_at"] == t.now);
    CHECK(s["last_seen_at"] == t.now);
    if (s["current"] == true) {
      CHECK(s["tag"] == session::session_tag(sha256(asking)));
      CHECK(s["method"] == "totp");
      CHECK(s["source"] == here);
    } else {
      CHECK(s["tag"] != session::session_tag(sha256(idle)));
      CHECK(s["method"] == "webauthn");
      CHECK(s["source"] == elsewhere);
    }
  }
  CHECK(r["sessions"][0]["current"] != r["sessions"][1]["current"]);

  CHECK(r["recent"] == json::array({{{"time", logged_in_at},
                                     {"event", "login.second_factor"},
                                     {"result", "success"},
                                     {"source", here},
                                     {"channel", "web"},
                                     {"method", "totp"}},
                                    {{"time", failed_at},
                                     {"event", "login.password"},
                                     {"result", "failure"},
                                     {"source", elsewhere},
                                     {"channel", "web"},
                                     {"method", "password"}}}));

  // Fresh for 5 minutes after the login that opened it; the session itself lives on.
  t.now += session::reauthentication_seconds - 1;
  CHECK(t.overview(asking)["fresh"] == true);
  t.now += 1;
  const auto later = t.overview(asking);
  CHECK(later["result"] == "ok");
  CHECK(later["fresh"] == false);

  CHECK(t.overview(random_token(32)) == no_session);
  CHECK(t.overview("not-a-session") == no_session);
  CHECK(t.overview(idle) == no_session);
  REQUIRE(t.sessions.close(asking));
  CHECK(t.overview(asking) == no_session);
}

TEST_CASE("account.password: a fresh session, the current password and a good new one; other sessions end") {
  account_table t;
  const auto nurse = t.add_user("nurse", user_password);
  t.add_totp(nurse);
  const auto doctor_session = t.session_for(t.add_user("doctor", user_password));
  const auto before = t.password_hash_of("nurse");

  const auto stale = t.stale_session_for(nurse);
  CHECK(t.change_password(stale, user_password, new_password) == reauthenticate);
  CHECK(t.change_password(t.session_for(nurse, 1), user_password, new_password) == reauthenticate);
  CHECK(t.password_hash_of("nurse") == before);

  const auto asking = t.session_for(nurse);
  const auto other = t.session_for(nurse);
  CHECK(t.change_password(asking, "wrong-Password#1", new_password) == answer_is("wrong_password"));
  CHECK(t.password_hash_of("nurse") == before);

  auto r = t.change_password(asking, user_password, "abc");
  CHECK(r["ok"] == true);
  CHECK(r["result"] == "refused");
  CHECK_FALSE(r["reason_ja"].get<std::string>().empty());
  CHECK_FALSE(r["reason_en"].get<std::string>().empty());
  CHECK(t.password_hash_of("nurse") == before);
  CHECK(t.live(other));
  CHECK(t.audit_count("account.password failure {\"reason\":\"policy\"}") == 1);

  CHECK(t.change_password(asking, user_password, new_password) == answer_is("ok"));
  CHECK(t.audit_count("account.password success {\"reason\":\"changed\"}") == 1);
  CHECK(t.password_step("nurse", here, user_password) == denied);
  CHECK(t.password_step("nurse", here, new_password)["result"] == "ok");
  // Whoever knew the old password may hold one of the others.
  CHECK(t.live(asking));
  CHECK_FALSE(t.live(other));
  CHECK_FALSE(t.live(stale));
  CHECK(t.live(doctor_session));
}

TEST_CASE("account.password: a wrong current password counts as a failed login and is throttled") {
  account_table t;
  const auto nurse = t.add_user("nurse", user_password);
  t.add_totp(nurse);
  const auto asking = t.session_for(nurse);

  json r;
  int tries = 0;
  do r = t.change_password(asking, "wrong-Password#1", new_password);
  while (r == answer_is("wrong_password") && ++tries < 20);
  CHECK(tries == t.cfg.throttle.free_failures + 1);
  CHECK(r == json{{"ok", true}, {"result", "throttled"}, {"retry_after", t.cfg.throttle.base_delay.count()}});
  // The same count as the login page's: the right password waits too, there and here.
  CHECK(t.password_step("nurse")["result"] == "throttled");
  CHECK(t.change_password(asking, user_password, new_password)["result"] == "throttled");
  const auto recent = t.overview(asking)["recent"];
  REQUIRE_FALSE(recent.empty());
  CHECK(recent[0]["event"] == "login.password");
  CHECK(recent[0]["result"] == "failure");
  CHECK(recent[0]["channel"] == "web");
  CHECK(recent[0]["source"] == here);

  t.now += t.cfg.throttle.base_delay.count();
  CHECK(t.change_password(asking, user_password, new_password) == answer_is("ok"));
}

TEST_CASE("account.sessions.end_others: ends the user's other sessions, from a stale session too") {
  account_table t;
  const auto nurse = t.add_user("nurse", user_password);
  const auto doctor = t.add_user("doctor", user_password);
  const auto asking = t.stale_session_for(nurse);  // logging out elsewhere needs no new login
  const auto phone = t.session_for(nurse);
  const auto ward = t.session_for(nurse, 1);
  const auto doctor_session = t.session_for(doctor);

  CHECK(t.end_others(asking) == json{{"ok", true}, {"result", "ok"}, {"ended", 2}});
  CHECK(t.live(asking));
  CHECK_FALSE(t.live(phone));
  CHECK_FALSE(t.live(ward));
  CHECK(t.live(doctor_session));
  CHECK(t.audit_count("session.end_others success {\"ended\":\"2\",\"reason\":\"user_request\"}") == 1);
  CHECK(t.end_others(asking)["ended"] == 0);

  CHECK(t.end_others(phone) == no_session);
  CHECK(t.live(asking));
}

TEST_CASE("account.recovery_codes: a fresh session gets ten new codes and the old ones stop working") {
  account_table t;
  const auto nurse = t.add_user("nurse", user_password);
  t.add_totp(nurse);
  const auto old_codes = t.add_recovery_codes(nurse);

  CHECK(t.renew_codes(t.stale_session_for(nurse)) == reauthenticate);
  CHECK(t.audit_count("recovery_codes.generate") == 0);

  const auto r = t.renew_codes(t.session_for(nurse));
  REQUIRE(r["result"] == "ok");
  REQUIRE(r["recovery_codes"].size() == 10);
  CHECK(t.recovery_codes_of(nurse) == 10);
  CHECK(t.audit_count("recovery_codes.generate success {\"reason\":\"renewed\"}") == 1);

  CHECK(t.code_step(t.pending_for("nurse"), old_codes[0]) == denied);
  const auto fresh_code = r["recovery_codes"][0].get<std::string>();
  CHECK(t.code_step(t.pending_for("nurse"), fresh_code) ==
        json{{"ok", true}, {"result", "ok"}, {"user", "nurse"}, {"method", "recovery"}});
  CHECK(t.recovery_codes_of(nurse) == 9);
}

TEST_CASE("account.app.begin and .finish add a second authenticator app, whose first code cannot log in") {
  account_table t;
  const auto nurse = t.add_user("nurse", user_password);
  t.add_totp(nurse);
  const auto stale = t.stale_session_for(nurse);
  const auto asking = t.session_for(nurse);

  CHECK(t.begin_app(stale) == reauthenticate);
  const auto offer = t.begin_app(asking);
  REQUIRE(offer["result"] == "ok");
  const auto key = offer["key"].get<std::string>();
  CHECK(offer["uri"].get<std::string>().starts_with("otpauth://totp/Sekisho:nurse?secret=" + key + "&"));
  CHECK(offer["qr_svg"].get<std::string>().starts_with("<svg"));
  CHECK(t.begin_app(asking) == offer);  // a reloaded page shows the QR code the phone already scanned
  const auto seed = seed_of(offer);
  const auto code = t.code(seed);

  CHECK(t.finish_app(stale, code) == reauthenticate);
  CHECK(t.finish_app(asking, t.other_code(code)) == refused("wrong_code"));
  CHECK(t.audit_count("totp.add failure {\"reason\":\"wrong_code\"}") == 1);
  CHECK(t.apps_of(nurse) == 1);

  CHECK(t.finish_app(asking, code) == answer_is("ok"));
  CHECK(t.audit_count("totp.add success {\"reason\":\"confirmed\"}") == 1);
  CHECK(t.apps_of(nurse) == 2);
  CHECK(t.overview(asking)["apps"] == 2);
  CHECK(t.finish_app(asking, code) == refused("no_app_offered"));

  // The confirming code used its time step; the next step's code logs in.
  const auto p = t.pending_for("nurse");
  CHECK(t.code_step(p, code) == denied);
  CHECK(t.audit_count("login.second_factor failure {\"reason\":\"replayed_code\"}") == 1);
  t.now += 30;
  CHECK(t.code_step(p, t.code(seed))["result"] == "ok");
}

TEST_CASE("account requests without a session string of at most 128 bytes are bad requests") {
  account_table t;
  const auto nurse = t.add_user("nurse", user_password);
  t.add_totp(nurse);
  const auto asking = t.session_for(nurse);
  const json bad_session = {{"ok", false}, {"error", "bad_request"}, {"field", "session"}};
  const json fields = {{"current_password", user_password}, {"new_password", new_password}, {"code", "123456"}};
  for (const char* op : {"account.overview", "account.password", "account.sessions.end_others",
                         "account.recovery_codes", "account.app.begin", "account.app.finish"}) {
    CAPTURE(op);
    const auto* entry = t.table.find(op);
    REQUIRE(entry != nullptr);
    CHECK(entry->allowed == permission::client);
    json req = {{"op", op}, {"source", here}};
    req.update(fields);
    CHECK(t.run(req) == bad_session);
    for (const json& wrong : {json(42), json(nullptr), json::array({asking}), json(""), json(std::string(129, 'A'))}) {
      auto with = req;
      with["session"] = wrong;
      CHECK(t.run(with) == bad_session);
    }
    auto unknown = req;
    unknown["session"] = std::string(128, 'A');  // the longest is read, and is no session
    CHECK(t.run(unknown) == no_session);
  }
  CHECK(t.ask("account.password", asking, {{"new_password", new_password}}) ==
        json{{"ok", false}, {"error", "bad_request"}, {"field", "current_password"}});
  CHECK(t.ask("account.app.finish", asking, {{"code", 42}}) ==
        json{{"ok", false}, {"error", "bad_request"}, {"field", "code"}});
  CHECK(t.live(asking));
}

TEST_CASE("account.app.rename and .remove: own apps only, after a fresh login, never the last second factor") {
  account_table t;
  const auto nurse = t.add_user("nurse", user_password);
  t.add_totp(nurse);
  const auto doctor = t.add_user("doctor", user_password);
  t.add_totp(doctor);
  const auto session = t.session_for(nurse);
  auto apps = t.overview(session)["app_list"];
  REQUIRE(apps.size() == 1);
  const auto id = apps[0]["id"].get<std::string>();

  CHECK(t.ask("account.app.rename", session, {{"id", id}, {"name", "iPhone"}}) == answer_is("ok"));
  CHECK(t.overview(session)["app_list"][0]["label"] == "iPhone");
  CHECK(t.ask("account.app.remove", session, {{"id", id}}) == answer_is("last_factor"));
  CHECK(t.audit_count("totp.remove refused") == 1);

  const auto doctors_app = t.overview(t.session_for(doctor))["app_list"][0]["id"].get<std::string>();
  CHECK(t.ask("account.app.rename", session, {{"id", doctors_app}, {"name", "mine now"}}) == answer_is("not_found"));
  CHECK(t.ask("account.app.rename", t.stale_session_for(nurse), {{"id", id}, {"name", "x"}}) ==
        answer_is("reauthenticate"));
  CHECK(t.ask("account.app.rename", session, {{"id", "1; DROP"}, {"name", "x"}})["field"] == "id");
  CHECK(t.ask("account.app.rename", session, {{"id", id}, {"name", "a\nb"}})["field"] == "name");

  t.add_totp(nurse);  // a second app: now the first may go
  CHECK(t.ask("account.app.remove", session, {{"id", id}}) == answer_is("ok"));
  CHECK(t.overview(session)["app_list"].size() == 1);
  CHECK(t.ask("account.app.remove", session, {{"id", doctors_app}}) == answer_is("last_factor"));  // the nurse's last
  CHECK(t.overview(t.session_for(doctor))["apps"] == 1);
}
