// /.sekisho/approve: a logged-in user approves (with a new security key assertion) or denies the SSH or
// other PAM login that showed them a code (pam_sekisho mode=approve). authd decides everything; the page only
// carries the code, the challenge and the answer.
#pragma once
#include "gateway/portal/portal.hpp"

namespace sekisho::gateway {

inline constexpr const char* approve_path = "/.sekisho/approve";

awaitable<text_response> serve_approve(const portal_request& r, authd_channel& authd, session_cache& sessions);

}  // namespace sekisho::gateway
