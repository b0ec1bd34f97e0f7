// /.sekisho/break-glass: emergency access when the second factor is out of reach. authd checks the password
// and the sealed emergency code, records the reason and opens a short session the gateway marks.
#pragma once
#include "gateway/portal/portal.hpp"

namespace sekisho::gateway {

awaitable<text_response> serve_break_glass(const portal_request& r, authd_channel& authd);

}  // namespace sekisho::gateway
