// breakglass.open: emergency access (the guideline's break-glass) for a user who cannot use their second
// factor: password + the sealed emergency code an admin issued (or a recovery code, per policy) + a typed
// reason open a short session whose method is "break_glass" — the gateway marks its requests and shows a
// banner — and raise a WARNING in the audit trail and authd's log for review. The code works once.
#pragma once
#include "authd/request_table.hpp"
#include "core/config/config.hpp"
#include "core/login/authenticator.hpp"
#include "core/session/session_book.hpp"

namespace sekisho::authd {

void register_break_glass_requests(request_table& table, const break_glass_config& cfg, login::authenticator& auth,
                                   session::session_book& sessions, store::connection_pool& pool);

}  // namespace sekisho::authd
