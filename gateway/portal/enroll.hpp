// Enrollment by link, /.sekisho/enroll: the link (?t=TOKEN) is moved into a cookie and off the address
// bar, then the user sets a password, must add a security key or an authenticator app, and sees the ten
// recovery codes once, logged in. authd decides every step; the link stays valid until the end.
#pragma once
#include "gateway/portal/portal.hpp"

namespace sekisho::gateway {

awaitable<text_response> serve_enroll(const portal_request& r, authd_channel& authd);

}  // namespace sekisho::gateway
