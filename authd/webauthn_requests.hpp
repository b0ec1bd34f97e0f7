// The WebAuthn requests of authd's table (security keys and passkeys): registering one from the
// account page, logging in with one after the password, and listing, renaming and removing them.
// Binary values travel as base64url without padding.
#pragma once
#include <cstddef>
#include <cstdint>

#include "authd/pending_logins.hpp"
#include "authd/request_table.hpp"
#include "authd/webauthn_challenges.hpp"
#include "authd/webauthn_settings.hpp"
#include "core/login/authenticator.hpp"
#include "core/session/session_book.hpp"
#include "core/store/connection_pool.hpp"
#include "core/util/clock.hpp"

namespace sekisho::authd {

// A change to a user's security keys needs a web session opened by a two-factor login this recently
// (NIST SP 800-63B-4 §4.1.2.1: binding a new authenticator needs a fresh authentication).
inline constexpr std::int64_t webauthn_reauthentication_seconds = 300;
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

// webauthn.register.begin / .finish, webauthn.credentials, webauthn.rename, webauthn.remove.
void register_webauthn_account_requests(request_table& table, const webauthn_services& services);
// webauthn.login.begin / .finish.
void register_webauthn_login_requests(request_table& table, const webauthn_services& services);

inline void register_webauthn_requests(request_table& table, const webauthn_services& services) {
  register_webauthn_account_requests(table, services);
  register_webauthn_login_requests(table, services);
}

}  // namespace sekisho::authd
