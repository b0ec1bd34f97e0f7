// One-time enrollment links: how a new user (or one who lost every factor) gets in without
// email. The link carries a 256-bit token; only its hash is stored.
#pragma once
#include "cli/admin_context.hpp"

namespace sekisho::cli {

// Voids the user's earlier links, issues a new one, prints it with a terminal QR code, audits it.
void issue_enrollment_link(admin_context& ctx, const store::user_row& user);

}  // namespace sekisho::cli
