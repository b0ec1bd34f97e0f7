// The WebAuthn requests through the real request table, answered by a software security key: every
// ceremony is signed with real keys, so each test changes one thing and sees one refusal.
#include "authd/webauthn_requests.hpp"

#include <doctest/doctest.h>

#include <string>

#include "core/store/factor_store.hpp"
#include "core/store/webauthn_store.hpp"
#include "core/util/encoding.hpp"
#include "core/util/random.hpp"
#include "tests/unit/authd/webauthn_table.hpp"

using namespace sekisho;
using namespace sekisho::authd;
using namespace sekisho::test;
using nlohmann::json;
namespace flag = sekisho::webauthn::flag;

TEST_CASE("a key registered from a fresh session logs its user in and opens a webauthn session") {
  webauthn_table t;
  const auto nurse = t.add_user("nurse", user_password);
  const auto session = t.session_for(nurse);
  soft_key k;

  const auto begin = t.begin_registration(session);
  REQUIRE(begin["result"] == "ok");
  REQUIRE(begin["handle"].is_string());
  const auto& o = begin["options"];
  CHECK(base64url_decode(o["challenge"].get<std::string>())->size() == 32);
  CHECK(o["rp_id"] == "example.org");
  CHECK(o["rp_name"] == "Sekisho Test");
  {
    auto db = t.pool.acquire();
    CHECK(o["user"] == json{{"id", b64(store::find_user_by_id(*db, nurse)->user_handle)},
                            {"name", "nurse"},
                            {"display_name", "nurse"}});
  }
  CHECK(o["algorithms"] == json{-7, -8, -35, -257});
  CHECK(o["exclude"] == json::array());
  CHECK(o["user_verification"] == "preferred");
  CHECK(o["attestation"] == "none");
  CHECK(o["resident_key"] == "preferred");
  CHECK(o["timeout_ms"] == 120000);

  CHECK(t.finish_registration(session, begin, k.attest(begin), "白いキー") ==
        json{{"ok", true}, {"result", "ok"}, {"credential", {{"id", b64(k.id)}, {"name", "白いキー"}}}});
  CHECK(t.audit_count("webauthn.register success") == 1);
  CHECK(t.begin_registration(session)["options"]["exclude"] == json{b64(k.id)});
  const auto listed = t.credentials(session);
  CHECK(listed == json{{"ok", true},
                       {"credentials",
                        {{{"id", b64(k.id)},
                          {"name", "白いキー"},
                          {"created_at", t.now},
                          {"last_used_at", nullptr},
                          {"backup_eligible", false}}}}});

  // The key alone makes the account enrolled.
  const auto first = t.password_step("nurse");
  REQUIRE(first["result"] == "ok");
  CHECK(first["factors"] == json{{"totp", false}, {"webauthn", true}, {"recovery_codes_left", 0}});
  CHECK(t.run({{"op", "account.status"}, {"user", "nurse"}})["status"] == "active");

  const auto pending_handle = first["pending"].get<std::string>();
  const auto lb = t.begin_login(pending_handle);
  REQUIRE(lb["result"] == "ok");
  CHECK(lb["options"]["allow"] == json{b64(k.id)});
  CHECK(lb["options"]["rp_id"] == "example.org");
  CHECK(lb["options"]["user_verification"] == "preferred");
  CHECK(lb["options"]["timeout_ms"] == 120000);
  CHECK(base64url_decode(lb["options"]["challenge"].get<std::string>())->size() == 32);
  CHECK(lb["options"]["challenge"] != o["challenge"]);

  t.now += 10;
  const auto done = t.finish_login(pending_handle, lb, k.assertion(lb), true);
  CHECK(done["result"] == "ok");
  CHECK(done["user"] == "nurse");
  CHECK(done["method"] == "webauthn");
  REQUIRE(done["session"].is_string());
  const auto check = t.run({{"op", "session.check"}, {"session", done["session"]}});
  CHECK(check["user"] == "nurse");
  CHECK(check["factors"] == 2);
  CHECK(check["method"] == "webauthn");
  CHECK(t.stored(k)->sign_count == 1);
  CHECK(t.stored(k)->last_used_at == t.now);
  CHECK(t.audit_count("login.second_factor success") == 1);
  CHECK(t.audit_count("assertion_ok") == 1);
  // The pending login is finished: the same answer again has nothing to log in to.
  CHECK(t.finish_login(pending_handle, lb, k.assertion(lb)) == expired);
}

TEST_CASE("without open_session the reply is login.second_factor's, without a session") {
  webauthn_table t;
  soft_key k;
  t.user_with_key("nurse", k);
  CHECK(t.login_with(k, "nurse") == json{{"ok", true}, {"result", "ok"}, {"user", "nurse"}, {"method", "webauthn"}});
}

TEST_CASE("a challenge is used once, also after a refusal") {
  webauthn_table t;
  const auto nurse = t.add_user("nurse", user_password);
  const auto session = t.session_for(nurse);
  soft_key k;

  const auto begin = t.begin_registration(session);
  const auto answer = k.attest(begin);
  REQUIRE(t.finish_registration(session, begin, answer)["result"] == "ok");
  CHECK(t.finish_registration(session, begin, answer) == expired);

  soft_key second;
  const auto begin2 = t.begin_registration(session);
  auto bad = second.attest(begin2);
  bad["client_data_json"] = b64(soft::client_data("webauthn.create", "AAAA", second.origin));
  CHECK(t.finish_registration(session, begin2, bad) == refused("wrong_challenge"));
  CHECK(t.finish_registration(session, begin2, second.attest(begin2)) == expired);
  CHECK_FALSE(t.stored(second));

  const auto p = t.pending_for("nurse");
  const auto lb = t.begin_login(p);
  auto forged = k.assertion(lb);
  forged["signature"] = b64(soft::make_key().sign("something else"));
  CHECK(t.finish_login(p, lb, forged) == denied);
  CHECK(t.finish_login(p, lb, k.assertion(lb)) == expired);  // the same handle, now with a good answer
  const auto again = t.begin_login(p);
  CHECK(t.finish_login(p, again, k.assertion(again))["result"] == "ok");
}

TEST_CASE("a challenge expires after two minutes") {
  webauthn_table t;
  const auto nurse = t.add_user("nurse", user_password);
  const auto session = t.session_for(nurse);
  soft_key k;
  auto begin = t.begin_registration(session);
  t.now += 120;
  CHECK(t.finish_registration(session, begin, k.attest(begin)) == expired);
  begin = t.begin_registration(session);
  t.now += 119;
  CHECK(t.finish_registration(session, begin, k.attest(begin))["result"] == "ok");

  const auto p = t.pending_for("nurse");
  auto lb = t.begin_login(p);
  t.now += 121;
  CHECK(t.finish_login(p, lb, k.assertion(lb)) == expired);
  lb = t.begin_login(p);
  t.now += 60;
  CHECK(t.finish_login(p, lb, k.assertion(lb))["result"] == "ok");
}

TEST_CASE("a handle issued to one session or pending login is refused for another") {
  webauthn_table t;
  soft_key nurse_key, doctor_key;
  const auto nurse = t.user_with_key("nurse", nurse_key);
  const auto doctor = t.user_with_key("doctor", doctor_key);
  const auto nurse_session = t.session_for(nurse);
  const auto doctor_session = t.session_for(doctor);

  soft_key k;
  const auto begin = t.begin_registration(nurse_session);
  CHECK(t.finish_registration(doctor_session, begin, k.attest(begin)) == expired);
  CHECK(t.finish_registration(nurse_session, begin, k.attest(begin)) == expired);  // spent by the attempt
  CHECK_FALSE(t.stored(k));

  const auto nurse_pending = t.pending_for("nurse");
  const auto doctor_pending = t.pending_for("doctor");
  const auto lb = t.begin_login(nurse_pending);
  CHECK(t.finish_login(doctor_pending, lb, doctor_key.assertion(lb)) == expired);
  CHECK(t.finish_login(nurse_pending, lb, nurse_key.assertion(lb)) == expired);
}

TEST_CASE("a credential id registered to one user is refused for another, and the first keeps it") {
  webauthn_table t;
  soft_key k;
  const auto nurse = t.user_with_key("nurse", k);
  const auto doctor = t.add_user("doctor", user_password);
  CHECK(t.register_key(t.session_for(doctor), k, "stolen") == refused("credential_already_registered"));
  CHECK(t.register_key(t.session_for(nurse), k, "twice") == refused("credential_already_registered"));
  CHECK(t.stored(k)->user_id == nurse);
  CHECK(t.stored(k)->name == "YubiKey");
  CHECK(t.audit_count("credential_already_registered") == 2);
  CHECK(t.login_with(k, "nurse")["result"] == "ok");
}

TEST_CASE("another user's key does not log in, even when it signs correctly") {
  webauthn_table t;
  soft_key nurse_key, doctor_key;
  t.user_with_key("nurse", nurse_key);
  t.user_with_key("doctor", doctor_key);
  const auto p = t.pending_for("doctor");
  const auto lb = t.begin_login(p);
  CHECK(t.finish_login(p, lb, nurse_key.assertion(lb)) == denied);
  CHECK(t.audit_count("unknown_credential") == 1);
}

TEST_CASE("a key registered after login.begin was not offered, and is refused") {
  webauthn_table t;
  soft_key first, later;
  const auto nurse = t.user_with_key("nurse", first);
  const auto p = t.pending_for("nurse");
  const auto lb = t.begin_login(p);
  REQUIRE(t.register_key(t.session_for(nurse), later, "later")["result"] == "ok");
  CHECK(t.finish_login(p, lb, later.assertion(lb)) == denied);
  CHECK(t.audit_count("credential_not_offered") == 1);
}

TEST_CASE("a user handle, when the browser sends one, must be the user's") {
  webauthn_table t;
  soft_key k;
  const auto nurse = t.user_with_key("nurse", k);
  auto p = t.pending_for("nurse");
  auto lb = t.begin_login(p);
  auto answer = k.assertion(lb);
  answer["user_handle"] = b64(random_bytes(32));
  CHECK(t.finish_login(p, lb, answer) == denied);
  CHECK(t.audit_count("wrong_user_handle") == 1);

  lb = t.begin_login(p);
  answer = k.assertion(lb);
  auto db = t.pool.acquire();
  answer["user_handle"] = b64(store::find_user_by_id(*db, nurse)->user_handle);
  CHECK(t.finish_login(p, lb, answer)["result"] == "ok");
}

TEST_CASE("a ceremony from another origin is refused and audited") {
  webauthn_table t;
  const auto nurse = t.add_user("nurse", user_password);
  soft_key k;
  k.origin = "https://evil.example";
  CHECK(t.register_key(t.session_for(nurse), k) == refused("wrong_origin"));
  CHECK_FALSE(t.stored(k));
  CHECK(t.audit_count("webauthn.register failure {\"credential\"") == 0);  // nothing was registered to name
  CHECK(t.audit_count("wrong_origin") == 1);

  k.origin = "https://example.org";
  REQUIRE(t.register_key(t.session_for(nurse), k)["result"] == "ok");
  k.origin = "https://example.org.evil.example";
  CHECK(t.login_with(k, "nurse") == denied);
  CHECK(t.audit_count("wrong_origin") == 2);
}

TEST_CASE("user_verification = required refuses keys that did not verify their user") {
  webauthn_table t;
  t.settings.uv = webauthn::user_verification::required;
  const auto nurse = t.add_user("nurse", user_password);
  const auto session = t.session_for(nurse);
  soft_key k;
  k.flags = flag::user_present;
  const auto begin = t.begin_registration(session);
  CHECK(begin["options"]["user_verification"] == "required");
  CHECK(t.finish_registration(session, begin, k.attest(begin)) == refused("user_not_verified"));

  k.flags = flag::user_present | flag::user_verified;
  REQUIRE(t.register_key(session, k)["result"] == "ok");
  k.flags = flag::user_present;
  const auto p = t.pending_for("nurse");
  const auto lb = t.begin_login(p);
  CHECK(lb["options"]["user_verification"] == "required");
  CHECK(t.finish_login(p, lb, k.assertion(lb)) == denied);
  CHECK(t.audit_count("login.second_factor failure {\"credential\":\"" + b64(k.id) + "\",\"reason\":\"user_not_verified\"") ==
        1);

  // The default accepts the same key without UV (the password is the other factor).
  t.settings.uv = webauthn::user_verification::preferred;
  CHECK(t.login_with(k, "nurse")["result"] == "ok");
}

TEST_CASE("attestation = required: only keys vouched for by a configured root, of the listed models") {
  webauthn_table t;
  const auto root = soft::make_certificate(soft::make_key(), nullptr, true);
  const auto vendor_key = soft::make_key();
  const std::string model(16, '\x5a');  // the software authenticator's AAGUID
  const auto batch = soft::make_certificate(vendor_key, &root, false, "Authenticator Attestation", model);
  t.settings.attestation_required = true;
  t.settings.policy.trusted_roots = {root.der()};
  const auto session = t.session_for(t.add_user("nurse", user_password));

  soft_key self_signed;
  auto begin = t.begin_registration(session);
  CHECK(begin["options"]["attestation"] == "direct");
  CHECK(t.finish_registration(session, begin, self_signed.attest(begin)) == refused("attestation_untrusted"));

  soft_key issued;
  begin = t.begin_registration(session);
  CHECK(t.finish_registration(session, begin, issued.attest(begin, &vendor_key, {batch.der()}))["result"] == "ok");
  CHECK(t.audit_count("\"attestation\":\"trusted\"") == 1);

  const auto stranger = soft::make_certificate(soft::make_key(), nullptr, true);
  const auto stranger_batch = soft::make_certificate(vendor_key, &stranger, false, "Authenticator Attestation", model);
  soft_key unknown_vendor;
  begin = t.begin_registration(session);
  CHECK(t.finish_registration(session, begin, unknown_vendor.attest(begin, &vendor_key, {stranger_batch.der()})) ==
        refused("attestation_untrusted"));

  t.settings.policy.allowed_aaguids = {std::string(16, '\x01')};
  soft_key other_model;
  begin = t.begin_registration(session);
  CHECK(t.finish_registration(session, begin, other_model.attest(begin, &vendor_key, {batch.der()})) ==
        refused("aaguid_not_allowed"));
}

TEST_CASE("a counter that does not increase is refused, the key locked, and raised as a webauthn.cloned warning") {
  webauthn_table t;
  soft_key k;
  k.counter = 5;
  t.user_with_key("nurse", k);
  CHECK(t.login_with(k, "nurse")["result"] == "ok");  // 6
  k.counter = 5;                                      // the copy answers 6 again
  CHECK(t.login_with(k, "nurse") == denied);
  CHECK(t.audit_count("webauthn.cloned warning") == 1);
  CHECK(t.audit_count("\"credential\":\"" + b64(k.id) + "\",\"name\":\"YubiKey\"") == 1);
  CHECK(t.audit_count("stored 6, received 6") == 1);
  CHECK(t.audit_count("login.second_factor failure") == 1);
  CHECK(t.stored(k)->sign_count == 6);
  // Which one is the genuine key cannot be known: neither logs in again (WA-A-17), and it is not offered.
  CHECK(t.stored(k)->locked_at == t.now);
  CHECK(t.begin_login(t.pending_for("nurse")) == answer_is("no_credentials"));
  CHECK(t.audit_count("\"action\":\"locked\"") == 1);
}

TEST_CASE("a key that never counts (always 0) is accepted each time") {
  webauthn_table t;
  soft_key k;
  k.counts = false;
  t.user_with_key("nurse", k);
  CHECK(t.login_with(k, "nurse")["result"] == "ok");
  CHECK(t.login_with(k, "nurse")["result"] == "ok");
  CHECK(t.audit_count("webauthn.cloned") == 0);
}

TEST_CASE("backup eligibility may not change after registration, either way") {
  webauthn_table t;
  soft_key device_bound, passkey;
  passkey.flags |= flag::backup_eligible | flag::backup_state;
  const auto nurse = t.user_with_key("nurse", device_bound);
  REQUIRE(t.register_key(t.session_for(nurse), passkey, "phone")["result"] == "ok");
  CHECK(t.credentials(t.session_for(nurse))["credentials"][1]["backup_eligible"] == true);

  device_bound.flags |= flag::backup_eligible;
  CHECK(t.login_with(device_bound, "nurse") == denied);
  passkey.flags = flag::user_present | flag::user_verified;
  CHECK(t.login_with(passkey, "nurse") == denied);
  CHECK(t.audit_count("backup_eligibility_changed") == 2);

  passkey.flags = flag::user_present | flag::backup_eligible;  // BS may change, BE may not
  CHECK(t.login_with(passkey, "nurse")["result"] == "ok");
  CHECK_FALSE(t.stored(passkey)->backup_state);
}

TEST_CASE("webauthn.login.begin: only for a live pending login from its address, and it counts no attempt") {
  webauthn_table t;
  soft_key k;
  t.user_with_key("nurse", k);
  CHECK(t.begin_login("no-such-handle") == expired);
  const auto p = t.pending_for("nurse");
  CHECK(t.begin_login(p, "198.51.100.9") == expired);

  json lb;
  for (int i = 0; i < 8; ++i) lb = t.begin_login(p);  // more than the pending login's 5 attempts
  CHECK(t.finish_login(p, lb, k.assertion(lb))["result"] == "ok");

  const auto later = t.pending_for("nurse");
  t.now += 300;
  CHECK(t.begin_login(later) == expired);

  const auto clerk = t.add_user("clerk", user_password);
  t.add_totp(clerk);
  CHECK(t.begin_login(t.pending_for("clerk")) == answer_is("no_credentials"));
}

TEST_CASE("failed assertions count toward the same throttle as wrong codes") {
  webauthn_table t;
  soft_key k;
  const auto nurse = t.user_with_key("nurse", k);
  const auto seed = t.add_totp(nurse);
  const auto wrong = t.other_code(t.code(seed));

  const auto by_code = t.pending_for("nurse");
  const auto by_key = t.pending_for("nurse");
  const auto later = t.pending_for("nurse");  // a throttled user gets no new pending login
  // free_failures (5) failures cost nothing, the next one starts the delays: three codes, three keys.
  REQUIRE(t.cfg.throttle.free_failures == 5);
  for (int i = 0; i < 3; ++i) CHECK(t.code_step(by_code, wrong) == denied);
  for (int i = 0; i < 3; ++i) {
    const auto lb = t.begin_login(by_key);
    auto answer = k.assertion(lb);
    answer["signature"] = b64(soft::make_key().sign("forged"));
    CHECK(t.finish_login(by_key, lb, answer) == denied);
  }
  CHECK(t.audit_count("signature_invalid") == 3);
  auto lb = t.begin_login(by_key);
  CHECK(t.finish_login(by_key, lb, k.assertion(lb)) ==
        json{{"ok", true}, {"result", "throttled"}, {"retry_after", t.cfg.throttle.base_delay.count()}});
  CHECK(t.code_step(later, t.code(seed))["result"] == "throttled");

  t.now += t.cfg.throttle.base_delay.count();
  lb = t.begin_login(by_key);
  CHECK(t.finish_login(by_key, lb, k.assertion(lb))["result"] == "ok");
}

TEST_CASE("register, rename and remove need a two-factor login in the last five minutes") {
  webauthn_table t;
  soft_key k;
  const auto nurse = t.user_with_key("nurse", k);
  const auto reauthenticate = answer_is("reauthenticate");
  const auto no_session = json{{"ok", false}, {"error", "no_session"}};

  CHECK(t.begin_registration(t.session_for(nurse, 1)) == reauthenticate);  // password only
  CHECK(t.begin_registration("not-a-session") == no_session);
  CHECK(t.credentials("not-a-session") == no_session);

  const auto session = t.session_for(nurse);
  soft_key late;
  const auto begin = t.begin_registration(session);
  t.now += 300;
  CHECK(t.finish_registration(session, begin, late.attest(begin)) == reauthenticate);
  CHECK(t.begin_registration(session) == reauthenticate);
  CHECK(t.rename(session, k, "new name") == reauthenticate);
  CHECK(t.remove(session, k) == reauthenticate);
  CHECK(t.credentials(session)["credentials"].size() == 1);  // listing needs only a live session
  CHECK(t.stored(k)->name == "YubiKey");
}

TEST_CASE("rename: the user's own key, with a printable name of 1-64 characters") {
  webauthn_table t;
  soft_key k, other;
  const auto nurse = t.user_with_key("nurse", k);
  t.user_with_key("doctor", other);
  const auto session = t.session_for(nurse);
  const auto bad_name = json{{"ok", false}, {"error", "bad_request"}, {"field", "name"}};

  CHECK(t.rename(session, k, "") == bad_name);
  CHECK(t.rename(session, k, "   ") == bad_name);
  CHECK(t.rename(session, k, "key\nline") == bad_name);
  CHECK(t.rename(session, k, "abc\u202Egnp.exe") == bad_name);  // right-to-left override
  CHECK(t.rename(session, k, std::string(65, 'a')) == bad_name);
  CHECK(t.rename(session, other, "mine") == answer_is("not_found"));
  CHECK(t.stored(other)->name == "YubiKey");

  std::string sixty_four;
  for (int i = 0; i < 64; ++i) sixty_four += "鍵";
  CHECK(t.rename(session, k, sixty_four) == answer_is("ok"));
  CHECK(t.stored(k)->name == sixty_four);
  CHECK(t.audit_count("webauthn.rename success") == 1);
}

TEST_CASE("the last second factor cannot be removed; with an authenticator app beside it, it can") {
  webauthn_table t;
  soft_key k;
  const auto nurse = t.user_with_key("nurse", k);
  const auto session = t.session_for(nurse);
  t.add_recovery_codes(nurse);  // a fallback, not a factor to log in with
  CHECK(t.remove(session, k) == answer_is("last_factor"));
  CHECK(t.stored(k));
  CHECK(t.audit_count("webauthn.remove refused") == 1);

  t.add_totp(nurse);
  CHECK(t.remove(session, k) == answer_is("ok"));
  CHECK_FALSE(t.stored(k));
  CHECK(t.credentials(session)["credentials"] == json::array());
  CHECK(t.audit_count("webauthn.remove success") == 1);
  CHECK(t.remove(session, k) == answer_is("not_found"));
}

TEST_CASE("resetting a user's factors (sekisho user reset-factors) removes their keys") {
  webauthn_table t;
  soft_key k;
  const auto nurse = t.user_with_key("nurse", k);
  t.add_totp(nurse);
  {
    auto db = t.pool.acquire();
    store::delete_second_factors(*db, nurse);  // what cmd_user.cpp's reset-factors runs
  }
  CHECK_FALSE(t.stored(k));
  CHECK(t.credentials(t.session_for(nurse))["credentials"] == json::array());
  CHECK(t.password_step("nurse")["result"] == "not_enrolled");
  CHECK(t.run({{"op", "account.status"}, {"user", "nurse"}})["status"] == "not_enrolled");
}

TEST_CASE("malformed fields are refused by name before anything is spent") {
  webauthn_table t;
  soft_key k;
  const auto nurse = t.user_with_key("nurse", k);
  const auto session = t.session_for(nurse);
  auto bad = [](const char* field) { return json{{"ok", false}, {"error", "bad_request"}, {"field", field}}; };

  soft_key second;
  const auto begin = t.begin_registration(session);
  auto answer = second.attest(begin);
  answer["attestation_object"] = answer["attestation_object"].get<std::string>() + "=";
  CHECK(t.finish_registration(session, begin, answer) == bad("attestation_object"));
  CHECK(t.finish_registration(session, begin, second.attest(begin), std::string(1, '\t')) == bad("name"));
  CHECK(t.finish_registration(session, begin, second.attest(begin))["result"] == "ok");  // still unspent

  const auto p = t.pending_for("nurse");
  const auto lb = t.begin_login(p);
  auto assertion = k.assertion(lb);
  assertion.erase("signature");
  CHECK(t.finish_login(p, lb, assertion) == bad("signature"));
  assertion = k.assertion(lb);
  assertion["credential_id"] = "not base64url!";
  CHECK(t.finish_login(p, lb, assertion) == bad("credential_id"));
  CHECK(t.finish_login(p, lb, k.assertion(lb))["result"] == "ok");
  CHECK(t.run({{"op", "webauthn.login.begin"}, {"pending", p}, {"source", here}}) == bad("channel"));
}

TEST_CASE("every WebAuthn request is a client request with its own size limit") {
  webauthn_table t;
  for (const char* op : {"webauthn.register.begin", "webauthn.register.finish", "webauthn.login.begin",
                         "webauthn.login.finish", "webauthn.credentials", "webauthn.rename", "webauthn.remove"}) {
    const auto* entry = t.table.find(op);
    REQUIRE_MESSAGE(entry != nullptr, op);
    CHECK(entry->allowed == permission::client);
    CHECK(entry->max_request_bytes <= 64 * 1024);
  }
  CHECK(t.table.dispatch({{"op", "webauthn.login.begin"}}, t.gateway, 1025) == error_reply("request_too_large"));
}
