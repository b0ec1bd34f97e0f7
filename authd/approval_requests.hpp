// The requests of an SSH approval by security key (approvals.hpp): the PAM module opens one after the
// password and takes it when the user presses Enter; the web page shows it, and approves it with a new
// WebAuthn assertion or denies it.
#pragma once
#include "authd/approvals.hpp"
#include "authd/request_table.hpp"
#include "authd/webauthn_requests.hpp"
#include "core/config/config.hpp"

namespace sekisho::authd {

struct approval_services {
  const pam_config& settings;
  const webauthn_services& webauthn;  // the authenticator, the store, challenges, sessions and the clock
  approvals& open_approvals;
};

// approval.open, approval.finish (PAM); approval.show, approval.approve, approval.deny (the web page).
void register_approval_requests(request_table& table, const approval_services& services);

}  // namespace sekisho::authd
