// The session requests of authd's table: the gateway checks and closes web sessions through these.
// Sessions are only ever opened by a successful login (login.second_factor with "open_session").
#pragma once
#include "authd/request_table.hpp"
#include "core/session/session_book.hpp"

namespace sekisho::authd {

void register_session_requests(request_table& table, session::session_book& sessions);

}  // namespace sekisho::authd
