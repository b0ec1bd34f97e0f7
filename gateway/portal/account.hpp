// The account page, /.sekisho/account, for the logged-in user: security keys (/webauthn, /webauthn/rename,
// /webauthn/remove), the password (/password), another authenticator app (/app), new recovery codes
// (/recovery), recent logins, and the devices logged in (/sessions/end-others). authd decides every change
// and wants a login in the last 5 minutes for all but ending the other sessions.
#pragma once
#include "gateway/portal/portal.hpp"

namespace sekisho::gateway {

awaitable<text_response> serve_account(const portal_request& r, authd_channel& authd, session_cache& sessions);

}  // namespace sekisho::gateway
