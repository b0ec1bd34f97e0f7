// The WebAuthn requests of authd's table (security keys and passkeys): registering one from the
// account page, logging in with one after the password, and listing, renaming and removing them.
// Binary values travel as base64url without padding.
#pragma once
#include <cstddef>
#include <cstdint>

#include "authd/pending_logins.hpp"
#include "authd/request_fields.hpp"
#include "authd/request_table.hpp"
#include "authd/webauthn_challenges.hpp"
#include "authd/webauthn_settings.hpp"
#include "core/login/authenticator.hpp"
#include "core/session/session_book.hpp"
#include "core/store/connection_pool.hpp"
#include "core/util/clock.hpp"

namespace sekisho::authd {

// Keeps the exclude and allow lists of one user well inside a frame (credential ids are ≤ 1023 bytes).
inline constexpr int max_webauthn_credentials_per_user = 20;

// What the handlers share; every member outlives the request table.
struct webauthn_services {
  const webauthn_settings& settings;
  login::authenticator& auth;
  store::connection_pool& pool;
  pending_logins& pending;
  webauthn_challenges& challenges;
  session::session_book& sessions;
  clock_fn now;
};

// A begin request's reply: the challenge's handle, and the browser's options — what both ceremonies send
// (challenge, RP id, user verification, timeout) plus the ceremony's own members in `options`.
nlohmann::json challenge_reply(const webauthn_services& services, const webauthn_challenges::issued& issued,
                               nlohmann::json options);

// The registration options for a user, with a challenge bound to `owner` (a web session, or an enrollment
// link); null when the user is gone.
nlohmann::json registration_begin_reply(const webauthn_services& services, std::string_view owner,
                                        std::int64_t user_id, std::int64_t now);

// A registration's answer from the browser, decoded.
struct registration_answer {
  std::string raw_id;
  std::string client_data_json;
  std::string attestation_object;
  std::string name;     // the user's name for the key
  std::string id_text;  // set by store_registration: the credential id, base64url
};
// Reads the `owner` fields (see read_login_request), then handle, client_data_json, attestation_object,
// name and raw_id: nullptr when all are good, else the name of the first bad one.
const char* read_registration(const nlohmann::json& req, std::initializer_list<field_rule> owner, request_fields& f,
                              registration_answer& out);
// Verifies the answer against the challenge (L3 §7.1) and stores the new credential in the caller's
// transaction on `db`: "" when stored, else why it was refused. Both are audited.
std::string store_registration(const webauthn_services& services, store::database& db, std::int64_t user_id,
                               const std::string& user, const std::string& challenge, registration_answer& answer,
                               const login::context& ctx);

// webauthn.register.begin / .finish, webauthn.credentials, webauthn.rename, webauthn.remove.
void register_webauthn_account_requests(request_table& table, const webauthn_services& services);
// webauthn.login.begin / .finish.
void register_webauthn_login_requests(request_table& table, const webauthn_services& services);

inline void register_webauthn_requests(request_table& table, const webauthn_services& services) {
  register_webauthn_account_requests(table, services);
  register_webauthn_login_requests(table, services);
}

}  // namespace sekisho::authd
