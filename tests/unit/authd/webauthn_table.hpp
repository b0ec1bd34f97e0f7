// The login, session and WebAuthn requests of authd's table over a login_fixture, and a software security
// key that answers them: shared by the WebAuthn, enrollment and account request tests.
#pragma once
#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "authd/login_requests.hpp"
#include "authd/session_requests.hpp"
#include "authd/webauthn_requests.hpp"
#include "core/login/enroller.hpp"
#include "core/store/webauthn_store.hpp"
#include "core/util/encoding.hpp"
#include "core/util/random.hpp"
#include "tests/unit/core/login/login_fixture.hpp"
#include "tests/unit/core/webauthn/soft_authenticator.hpp"

namespace sekisho::test {

using nlohmann::json;

inline const std::string user_password = "Sakura-Hana#2026";
inline const std::string here = "192.0.2.7";

inline std::string b64(std::string_view bytes) { return base64url_encode(bytes); }

// One credential on a software authenticator. It answers the options authd sends as a browser would
// pass them on; the counter goes up with each assertion unless `counts` is false.
struct soft_key {
  soft::key_pair key = soft::make_key();
  std::string id = random_bytes(16);
  std::uint32_t counter = 0;
  bool counts = true;
  std::uint8_t flags = webauthn::flag::user_present | webauthn::flag::user_verified;
  std::string origin = "https://example.org";
  std::string rp_id = "example.org";

  // register.finish fields over the challenge of `begin`: packed attestation (§8.2), self-signed, or
  // signed by `attester` whose certificate chain is `x5c`.
  json attest(const json& begin, const soft::key_pair* attester = nullptr, const std::vector<std::string>& x5c = {}) const {
    const auto cdj = soft::client_data("webauthn.create", begin["options"]["challenge"].get<std::string>(), origin);
    soft::auth_data ad;
    ad.rp_id = rp_id;
    ad.flags = flags | webauthn::flag::attested_credential;
    ad.sign_count = counter;
    ad.credential_id = id;
    ad.cose_key = key.cose();
    const auto raw = ad.encode();
    const auto& signer = attester != nullptr ? *attester : key;
    std::vector<std::pair<std::string, std::string>> members = {
        {soft::text("alg"), soft::integer(static_cast<int>(signer.alg))},
        {soft::text("sig"), soft::bytes(signer.sign(raw + sha256(cdj)))}};
    std::vector<std::string> certs;
    for (const auto& der : x5c) certs.push_back(soft::bytes(der));
    if (!certs.empty()) members.emplace_back(soft::text("x5c"), soft::array(certs));
    const auto statement = soft::map(members);
    return {{"client_data_json", b64(cdj)}, {"attestation_object", b64(soft::attestation_object("packed", statement, raw))}};
  }

  // login.finish fields: an assertion over the challenge of `begin`.
  json assertion(const json& begin) {
    if (counts) ++counter;
    const auto cdj = soft::client_data("webauthn.get", begin["options"]["challenge"].get<std::string>(), origin);
    soft::auth_data ad;
    ad.rp_id = rp_id;
    ad.flags = flags;
    ad.sign_count = counter;
    const auto raw = ad.encode();
    return {{"credential_id", b64(id)},
            {"client_data_json", b64(cdj)},
            {"authenticator_data", b64(raw)},
            {"signature", b64(key.sign(raw + sha256(cdj)))}};
  }
};

// The login, session and WebAuthn requests over a temp-dir state, dispatched as authd's server does.
struct webauthn_table : login_fixture {
  authd::webauthn_settings settings{{"example.org", {"https://example.org"}}, "Sekisho Test",
                                    webauthn::user_verification::preferred, false, {}};
  authd::pending_logins pending;
  authd::webauthn_challenges challenges;
  session::session_book sessions{pool, cfg.session, [this] { return now; }};
  login::enroller enroller{cfg, pool, keys, auth, clock()};  // for the enrollment and account requests
  authd::request_table table = make_table();
  authd::caller gateway{.uid = 1234, .gid = 1234, .pid = 99, .admin = false};

  clock_fn clock() { return [this] { return now; }; }
  // What the WebAuthn handlers share, over this fixture's state.
  authd::webauthn_services services() { return {settings, auth, pool, pending, challenges, sessions, clock()}; }

  authd::request_table make_table() {
    authd::request_table t;
    authd::register_login_requests(t, auth, pending, sessions, clock());
    authd::register_session_requests(t, sessions);
    authd::register_webauthn_requests(t, services());
    return t;
  }
  json run(const json& req) { return table.dispatch(req, gateway, req.dump().size()); }

  // A web session as a two-factor login opens it, now.
  std::string session_for(std::int64_t user, int factors = 2) { return sessions.open(user, factors, "totp", here); }

  json begin_registration(const std::string& session) {
    return run({{"op", "webauthn.register.begin"}, {"session", session}, {"source", here}, {"channel", "web"}});
  }
  json finish_registration(const std::string& session, const json& begin, const json& answer,
                           const std::string& name = "YubiKey") {
    json req = {{"op", "webauthn.register.finish"}, {"session", session}, {"handle", begin["handle"]},
                {"name", name},                      {"source", here},     {"channel", "web"}};
    req.update(answer);
    return run(req);
  }
  json register_key(const std::string& session, const soft_key& k, const std::string& name = "YubiKey") {
    const auto begin = begin_registration(session);
    REQUIRE(begin["result"] == "ok");
    return finish_registration(session, begin, k.attest(begin), name);
  }
  // A user with a password and one registered key.
  std::int64_t user_with_key(const std::string& name, const soft_key& k) {
    const auto id = add_user(name, user_password);
    REQUIRE(register_key(session_for(id), k)["result"] == "ok");
    return id;
  }

  json password_step(const std::string& user, const std::string& source = here,
                     const std::string& password = user_password) {
    return run({{"op", "login.password"}, {"user", user}, {"password", password}, {"channel", "web"},
                {"source", source}});
  }
  std::string pending_for(const std::string& user) {
    const auto r = password_step(user);
    REQUIRE(r["result"] == "ok");
    return r["pending"].get<std::string>();
  }
  json begin_login(const std::string& pending_handle, const std::string& source = here) {
    return run({{"op", "webauthn.login.begin"}, {"pending", pending_handle}, {"source", source}, {"channel", "web"}});
  }
  json finish_login(const std::string& pending_handle, const json& begin, const json& answer, bool open = false) {
    json req = {{"op", "webauthn.login.finish"}, {"pending", pending_handle}, {"handle", begin["handle"]},
                {"source", here},                 {"channel", "web"}};
    req.update(answer);
    if (open) req["open_session"] = true;
    return run(req);
  }
  // password, begin, finish with `k`.
  json login_with(soft_key& k, const std::string& user) {
    const auto p = pending_for(user);
    const auto begin = begin_login(p);
    REQUIRE(begin["result"] == "ok");
    return finish_login(p, begin, k.assertion(begin));
  }
  json code_step(const std::string& pending_handle, const std::string& code) {
    return run({{"op", "login.second_factor"}, {"pending", pending_handle}, {"code", code}, {"channel", "web"},
                {"source", here}});
  }

  json credentials(const std::string& session) { return run({{"op", "webauthn.credentials"}, {"session", session}}); }
  json rename(const std::string& session, const soft_key& k, const std::string& name) {
    return run({{"op", "webauthn.rename"}, {"session", session}, {"id", b64(k.id)}, {"name", name}});
  }
  json remove(const std::string& session, const soft_key& k) {
    return run({{"op", "webauthn.remove"}, {"session", session}, {"id", b64(k.id)}});
  }

  int audit_count(const std::string& needle) {
    int n = 0;
    for (const auto& line : audit_lines()) n += line.find(needle) != std::string::npos;
    return n;
  }
  std::size_t recovery_codes_of(std::int64_t user_id) {
    auto db = pool.acquire();
    return store::unused_recovery_codes(*db, user_id).size();
  }
  std::optional<store::webauthn_row> stored(const soft_key& k) {
    auto db = pool.acquire();
    return store::find_webauthn_credential(*db, k.id);
  }
};

// The seed of an offered authenticator app, as the phone reads it from the key.
inline std::string seed_of(const json& offer) {
  REQUIRE(offer["result"] == "ok");
  auto seed = base32_decode(offer["key"].get<std::string>());
  REQUIRE(seed);
  return *seed;
}

inline json answer_is(const char* r) { return {{"ok", true}, {"result", r}}; }
inline json refused(const char* reason) { return {{"ok", true}, {"result", "refused"}, {"reason", reason}}; }
inline const json denied = answer_is("denied");
inline const json expired = answer_is("expired");

}  // namespace sekisho::test
