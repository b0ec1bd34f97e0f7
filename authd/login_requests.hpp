// The login requests of authd's table: the PAM module, the portal and `sekisho login` ask these.
#pragma once
#include "authd/pending_logins.hpp"
#include "authd/request_table.hpp"
#include "core/login/authenticator.hpp"
#include "core/session/session_book.hpp"

namespace sekisho::authd {

// A successful second factor opens a web session when the request says "open_session": true (the
// gateway's login, `sekisho login --session`); the reply then carries its id, once.
void register_login_requests(request_table& table, login::authenticator& auth, pending_logins& pending,
                             session::session_book& sessions, clock_fn now);

}  // namespace sekisho::authd
