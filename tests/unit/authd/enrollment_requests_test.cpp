// The enrollment link's requests through the real request table: a user with a link sets a password, then
// enrolls an authenticator app (codes computed as the phone would) or a software security key, and the
// link is spent only by that last step.
#include "authd/enrollment_requests.hpp"

#include <doctest/doctest.h>

#include <string>

#include "core/login/enroller.hpp"
#include "core/store/factor_store.hpp"
#include "core/store/user_store.hpp"
#include "core/store/webauthn_store.hpp"
#include "core/util/digest.hpp"
#include "core/util/encoding.hpp"
#include "core/util/random.hpp"
#include "tests/unit/authd/webauthn_table.hpp"

using namespace sekisho;
using namespace sekisho::authd;
using namespace sekisho::test;
using nlohmann::json;

namespace {

// The WebAuthn table plus the enrollment requests, wired as cli/cmd_daemon.cpp does.
struct enrollment_table : webauthn_table {
  enrollment_table() { register_enrollment_requests(table, enroller, services()); }

  // A user as `sekisho user add` creates one: no password, no second factor.
  std::int64_t new_user(const std::string& name, const std::string& display_name = "") {
    auto db = pool.acquire();
    return store::insert_user(*db, name, display_name, now);
  }
  // A link's token as cli/enrollment.cpp issues it; only its hash is stored.
  std::string issue_link(std::int64_t user_id) {
    const auto token = random_token(32);
    auto db = pool.acquire();
    store::insert_enrollment_token(*db, sha256(token), user_id, now, link_expiry());
    return token;
  }
  std::int64_t link_expiry() const { return now + cfg.enrollment.lifetime.count(); }
  // A link whose password step is done, with the fixture's usual password.
  std::string link_past_password(std::int64_t user_id) {
    const auto token = issue_link(user_id);
    REQUIRE(choose_password(token, user_password) == answer_is("ok"));
    return token;
  }

  json open_link(const json& token) { return run({{"op", "enroll.open"}, {"token", token}}); }
  json choose_password(const std::string& token, const std::string& password) {
    return run({{"op", "enroll.password"}, {"token", token}, {"password", password}, {"source", here},
                {"channel", "web"}});
  }
  json offer_app(const std::string& token) { return run({{"op", "enroll.app.begin"}, {"token", token}}); }
  json confirm_app(const std::string& token, const std::string& code, bool open_session = false) {
    json req = {{"op", "enroll.app.finish"}, {"token", token}, {"code", code}, {"source", here}, {"channel", "web"}};
    if (open_session) req["open_session"] = true;
    return run(req);
  }
  json begin_key(const std::string& token) { return run({{"op", "enroll.webauthn.begin"}, {"token", token}}); }
  json finish_key(const std::string& token, const json& begin, const json& answer) {
    json req = {{"op", "enroll.webauthn.finish"}, {"token", token}, {"handle", begin["handle"]},
                {"name", "YubiKey"},               {"source", here}, {"channel", "web"}};
    req.update(answer);
    return run(req);
  }
};

}  // namespace

TEST_CASE("enroll.open: a live link names its user; unknown, expired and disabled users' links are expired") {
  enrollment_table t;
  const auto nurse = t.new_user("nurse", "看護師 花子");
  const auto token = t.issue_link(nurse);
  const auto expires = t.link_expiry();
  CHECK(t.open_link(token) == json{{"ok", true},
                                   {"result", "ok"},
                                   {"user", "nurse"},
                                   {"display_name", "看護師 花子"},
                                   {"password_set", false},
                                   {"expires_at", expires}});
  CHECK(t.open_link(random_token(32)) == expired);

  const auto clerk = t.new_user("clerk");
  const auto clerk_link = t.issue_link(clerk);
  REQUIRE(t.open_link(clerk_link)["result"] == "ok");
  t.set_disabled(clerk);
  CHECK(t.open_link(clerk_link) == expired);
  CHECK(t.choose_password(clerk_link, user_password) == expired);

  t.now = expires - 1;
  CHECK(t.open_link(token)["result"] == "ok");
  t.now = expires;
  CHECK(t.open_link(token) == expired);
  CHECK(t.choose_password(token, user_password) == expired);
}

TEST_CASE("enroll.password: a refused password leaves the link as it was; a good one is set and audited") {
  enrollment_table t;
  const auto nurse = t.new_user("nurse");
  const auto token = t.issue_link(nurse);

  auto r = t.choose_password(token, "abc");
  CHECK(r["result"] == "refused");
  CHECK_FALSE(r["reason_ja"].get<std::string>().empty());
  CHECK_FALSE(r["reason_en"].get<std::string>().empty());
  r = t.choose_password(token, "Nurse#2026-spring");
  CHECK(r["result"] == "refused");
  CHECK(r["reason_en"] == "Do not put your user name in the password.");
  CHECK_FALSE(r["reason_ja"].get<std::string>().empty());
  CHECK(t.open_link(token)["password_set"] == false);
  CHECK(t.audit_count("enrollment.password failure {\"reason\":\"policy\"}") == 2);
  CHECK(t.run({{"op", "login.password"}, {"user", "nurse"}, {"password", "Nurse#2026-spring"}, {"channel", "web"},
               {"source", here}}) == denied);

  CHECK(t.choose_password(token, user_password) == answer_is("ok"));
  CHECK(t.open_link(token)["password_set"] == true);
  CHECK(t.audit_count("enrollment.password success {\"reason\":\"password_set\"}") == 1);
  // The right password, and no second factor yet.
  CHECK(t.password_step("nurse")["result"] == "not_enrolled");
}

TEST_CASE("enroll.app.begin: only after the password, and the same app until it is confirmed") {
  enrollment_table t;
  const auto nurse = t.new_user("nurse");
  const auto token = t.issue_link(nurse);
  CHECK(t.offer_app(token) == expired);
  REQUIRE(t.choose_password(token, user_password) == answer_is("ok"));

  const auto offer = t.offer_app(token);
  REQUIRE(offer["result"] == "ok");
  const auto key = offer["key"].get<std::string>();
  CHECK(seed_of(offer).size() == 20);  // SHA-1, the default algorithm
  CHECK(offer["uri"].get<std::string>().starts_with("otpauth://totp/Sekisho:nurse?secret=" + key + "&"));
  CHECK(t.offer_app(token) == offer);
  // Offered is not enrolled.
  CHECK(t.password_step("nurse")["result"] == "not_enrolled");
}

TEST_CASE("enroll.app.finish: the first code enrolls the app and spends the link, and cannot log in again") {
  enrollment_table t;
  const auto nurse = t.new_user("nurse");
  const auto token = t.link_past_password(nurse);
  CHECK(t.confirm_app(token, "123456") == refused("no_app_offered"));
  const auto seed = seed_of(t.offer_app(token));
  const auto code = t.code(seed);

  CHECK(t.confirm_app(token, t.other_code(code)) == refused("wrong_code"));
  CHECK(t.audit_count("enrollment.factor failure {\"reason\":\"wrong_code\"}") == 1);
  CHECK(t.open_link(token)["result"] == "ok");
  CHECK(t.recovery_codes_of(nurse) == 0);

  const auto done = t.confirm_app(token, code, true);
  REQUIRE(done["result"] == "ok");
  CHECK(done["user"] == "nurse");
  REQUIRE(done["recovery_codes"].size() == 10);
  CHECK(t.recovery_codes_of(nurse) == 10);
  const auto session = t.run({{"op", "session.check"}, {"session", done["session"]}});
  CHECK(session["ok"] == true);
  CHECK(session["user"] == "nurse");
  CHECK(session["factors"] == 2);
  CHECK(session["method"] == "totp");
  CHECK(t.audit_count("enrollment.complete success {\"reason\":\"enrolled\",\"recovery_codes\":\"10\"}") == 1);

  // Spent.
  CHECK(t.open_link(token) == expired);
  CHECK(t.offer_app(token) == expired);
  CHECK(t.confirm_app(token, code) == expired);

  // The confirming code used its time step: it cannot log in; the next step's code can.
  const auto p = t.pending_for("nurse");
  CHECK(t.code_step(p, code) == denied);
  CHECK(t.audit_count("login.second_factor failure {\"reason\":\"replayed_code\"}") == 1);
  t.now += 30;
  CHECK(t.code_step(p, t.code(seed))["result"] == "ok");

  const auto recovery_code = done["recovery_codes"][3].get<std::string>();
  CHECK(t.code_step(t.pending_for("nurse"), recovery_code)["result"] == "ok");
  CHECK(t.code_step(t.pending_for("nurse"), recovery_code) == denied);
  CHECK(t.recovery_codes_of(nurse) == 9);
}

TEST_CASE("enroll.webauthn: a security key enrolls after the password, with a challenge used once") {
  enrollment_table t;
  const auto nurse = t.new_user("nurse", "看護師 花子");
  const auto token = t.issue_link(nurse);
  CHECK(t.begin_key(token) == expired);
  REQUIRE(t.choose_password(token, user_password) == answer_is("ok"));

  const auto begin = t.begin_key(token);
  REQUIRE(begin["result"] == "ok");
  const auto& o = begin["options"];
  CHECK(base64url_decode(o["challenge"].get<std::string>())->size() == 32);
  CHECK(o["user"]["name"] == "nurse");
  CHECK(o["user"]["display_name"] == "看護師 花子");

  soft_key k;
  const auto done = t.finish_key(token, begin, k.attest(begin));
  REQUIRE(done["result"] == "ok");
  CHECK(done["user"] == "nurse");
  CHECK(done["recovery_codes"].size() == 10);
  CHECK_FALSE(done.contains("session"));  // not asked for
  {
    auto db = t.pool.acquire();
    const auto keys = store::webauthn_for_user(*db, nurse);
    REQUIRE(keys.size() == 1);
    CHECK(keys[0].credential_id == k.id);
    CHECK(keys[0].name == "YubiKey");
  }
  CHECK(t.recovery_codes_of(nurse) == 10);
  CHECK(t.open_link(token) == expired);
  CHECK(t.finish_key(token, begin, k.attest(begin)) == expired);
  CHECK(t.audit_count("enrollment.complete success") == 1);
  CHECK(t.login_with(k, "nurse")["result"] == "ok");
}

TEST_CASE("enroll.webauthn.finish: a challenge issued to one link does not finish another") {
  enrollment_table t;
  const auto nurse = t.new_user("nurse");
  // Two live links for one user (the CLI revokes the older one; the binding must hold regardless).
  const auto a = t.link_past_password(nurse);
  const auto b = t.link_past_password(nurse);
  soft_key k;

  const auto begin_a = t.begin_key(a);
  REQUIRE(begin_a["result"] == "ok");
  CHECK(t.finish_key(b, begin_a, k.attest(begin_a)) == expired);
  CHECK_FALSE(t.stored(k));
  CHECK(t.open_link(b)["result"] == "ok");
  CHECK(t.finish_key(a, begin_a, k.attest(begin_a)) == expired);  // taken by the attempt with b

  const auto begin_b = t.begin_key(b);
  CHECK(t.finish_key(b, begin_b, k.attest(begin_b))["result"] == "ok");
  CHECK(t.open_link(b) == expired);
}

TEST_CASE("a security key refused during enrollment leaves the link unspent and stores nothing") {
  enrollment_table t;
  const auto nurse = t.new_user("nurse");
  const auto token = t.link_past_password(nurse);
  soft_key k;
  k.origin = "https://evil.example";

  const auto begin = t.begin_key(token);
  CHECK(t.finish_key(token, begin, k.attest(begin)) == refused("wrong_origin"));
  CHECK_FALSE(t.stored(k));
  CHECK(t.recovery_codes_of(nurse) == 0);
  CHECK(t.open_link(token)["password_set"] == true);
  CHECK(t.audit_count("enrollment.factor failure {\"reason\":\"wrong_origin\"}") == 1);
  CHECK(t.audit_count("enrollment.complete") == 0);
  CHECK(t.password_step("nurse")["result"] == "not_enrolled");

  k.origin = "https://example.org";
  CHECK(t.finish_key(token, begin, k.attest(begin)) == expired);  // the refused attempt spent the challenge
  const auto again = t.begin_key(token);
  CHECK(t.finish_key(token, again, k.attest(again))["result"] == "ok");
}

TEST_CASE("enrollment requests without a token string of at most 64 bytes are bad requests") {
  enrollment_table t;
  const auto token = t.link_past_password(t.new_user("nurse"));
  const json bad_token = {{"ok", false}, {"error", "bad_request"}, {"field", "token"}};
  for (const char* op : {"enroll.open", "enroll.password", "enroll.app.begin", "enroll.app.finish",
                         "enroll.webauthn.begin", "enroll.webauthn.finish"}) {
    CAPTURE(op);
    const auto* entry = t.table.find(op);
    REQUIRE(entry != nullptr);
    CHECK(entry->allowed == permission::client);
    const json req = {{"op", op}, {"source", here}, {"channel", "web"}};
    CHECK(t.run(req) == bad_token);
    for (const json& wrong : {json(42), json(nullptr), json::array({token}), json(token + std::string(22, 'A'))}) {
      auto with = req;
      with["token"] = wrong;
      CHECK(t.run(with) == bad_token);
    }
  }
  CHECK(t.open_link(std::string(64, 'A')) == expired);  // the longest token is read, and matches nothing
  CHECK(t.open_link(token)["result"] == "ok");
}
