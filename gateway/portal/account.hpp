// The account page, /.sekisho/account: who is logged in, their security keys, and adding one (WebAuthn
// registration; authd wants a login in the last 5 minutes for that).
#pragma once
#include "gateway/portal/portal.hpp"

namespace sekisho::gateway {

awaitable<text_response> serve_account(const portal_request& r, authd_channel& authd, session_cache& sessions);

}  // namespace sekisho::gateway
