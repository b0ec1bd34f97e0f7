// The account page's requests, for the user of a web session: account.overview (factors, own sessions,
// recent logins), account.password, account.sessions.end_others, account.recovery_codes and
// account.app.begin / .finish (another authenticator app). A change needs a two-factor login in the last
// 5 minutes (the answer is then "reauthenticate"); a new password also needs the current one.
#pragma once
#include "authd/request_table.hpp"
#include "core/login/authenticator.hpp"
#include "core/login/enroller.hpp"
#include "core/session/session_book.hpp"
#include "core/store/connection_pool.hpp"
#include "core/util/clock.hpp"

namespace sekisho::authd {

struct account_services {
  login::authenticator& auth;
  login::enroller& enroller;
  session::session_book& sessions;
  store::connection_pool& pool;
  clock_fn now;
};

void register_account_requests(request_table& table, const account_services& services);

}  // namespace sekisho::authd
