// The login requests of authd's table: the PAM module, the portal and `sekisho login` ask these.
#pragma once
#include "authd/pending_logins.hpp"
#include "authd/request_table.hpp"
#include "core/login/authenticator.hpp"

namespace sekisho::authd {

void register_login_requests(request_table& table, login::authenticator& auth, pending_logins& pending,
                             clock_fn now);

}  // namespace sekisho::authd
