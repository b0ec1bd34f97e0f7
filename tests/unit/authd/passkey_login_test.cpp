// Passkey-only login (webauthn.passkey_login) through the real request table: the credential names its
// user, the user handle must agree, user verification is required, and the challenge is bound to the login
// page's form token and used once.
#include <doctest/doctest.h>

#include <string>

#include "core/store/user_store.hpp"
#include "tests/unit/authd/webauthn_table.hpp"

using namespace sekisho;
using namespace sekisho::test;
using nlohmann::json;

namespace {

const std::string page_token = "form-token-of-the-login-page-0123456789abcdef";

struct passkey_table : webauthn_table {
  passkey_table() { settings.passkey_login = true; }

  json begin(const std::string& owner = page_token) {
    return run({{"op", "webauthn.passkey.begin"}, {"owner", owner}, {"source", here}, {"channel", "web"}});
  }
  // The browser's answer with the user handle a discoverable credential returns.
  json finish(const json& started, soft_key& k, std::int64_t user_id, const std::string& owner = page_token) {
    json req = {{"op", "webauthn.passkey.finish"}, {"owner", owner},   {"handle", started["handle"]},
                {"source", here},                   {"channel", "web"}, {"open_session", true}};
    req.update(k.assertion(started));
    req["user_handle"] = b64(handle_of(user_id));
    return run(req);
  }
  std::string handle_of(std::int64_t user_id) {
    auto db = pool.acquire();
    return store::find_user_by_id(*db, user_id)->user_handle;
  }
};

}  // namespace

TEST_CASE("passkey-only login is off unless configured") {
  passkey_table t;
  t.settings.passkey_login = false;
  CHECK(t.begin() == answer_is("not_enabled"));
}

TEST_CASE("a passkey that verified its user logs in alone, and the session says so") {
  passkey_table t;
  soft_key k;
  const auto id = t.user_with_key("nurse", k);
  const auto started = t.begin();
  REQUIRE(started["result"] == "ok");
  CHECK(started["options"]["allow"] == json::array());  // any discoverable credential of this site
  CHECK(started["options"]["user_verification"] == "required");
  const auto r = t.finish(started, k, id);
  REQUIRE(r["result"] == "ok");
  CHECK(r["user"] == "nurse");
  const auto s = t.run({{"op", "session.check"}, {"session", r["session"]}});
  CHECK(s["method"] == "passkey");
  CHECK(s["factors"] == 2);
  CHECK(t.audit_count("login.second_factor success") == 1);
}

TEST_CASE("without user verification, the passkey alone is refused and counts as a failure") {
  passkey_table t;
  soft_key k;
  const auto id = t.user_with_key("nurse", k);
  k.flags = webauthn::flag::user_present;  // touched, but no PIN or fingerprint
  const auto r = t.finish(t.begin(), k, id);
  CHECK(r == denied);
  CHECK(t.audit_count("login.second_factor failure") == 1);
  CHECK(t.audit_count("\"reason\":\"user_not_verified\"") == 1);
}

TEST_CASE("the user handle must be the credential's own user's") {
  passkey_table t;
  soft_key k;
  t.user_with_key("nurse", k);
  soft_key other;
  const auto doctor = t.user_with_key("doctor", other);
  CHECK(t.finish(t.begin(), k, doctor) == denied);  // nurse's key claiming to be doctor's
}

TEST_CASE("the challenge is bound to the page's form token and used once") {
  passkey_table t;
  soft_key k;
  const auto id = t.user_with_key("nurse", k);
  const auto started = t.begin();
  CHECK(t.finish(started, k, id, "another-page-token-0123456789abcdef0123456789") == expired);
  CHECK(t.finish(started, k, id) == expired);  // spent by the first try, whatever its outcome
  const auto again = t.begin();
  CHECK(t.finish(again, k, id)["result"] == "ok");
  CHECK(t.finish(again, k, id) == expired);
}

TEST_CASE("an unknown credential is refused and the user handle is required") {
  passkey_table t;
  soft_key k;
  const auto id = t.user_with_key("nurse", k);
  soft_key stranger;
  CHECK(t.finish(t.begin(), stranger, id) == denied);
  json req = {{"op", "webauthn.passkey.finish"}, {"owner", page_token}, {"handle", t.begin()["handle"]},
              {"source", here},                   {"channel", "web"}};
  req.update(k.assertion(t.begin()));
  CHECK(t.run(req)["field"] == "user_handle");
}
