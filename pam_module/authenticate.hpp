// The two things the module does for a PAM stack: authenticate (the password and the second factor, checked
// by authd in one request) and the account check after it. Each returns a PAM code; any doubt is a failure.
#pragma once
#include <security/pam_modules.h>

#include "pam_module/module_log.hpp"
#include "pam_module/module_options.hpp"

namespace sekisho::pam {

int authenticate(pam_handle_t* pamh, const module_options& o, const module_log& log);
int check_account(pam_handle_t* pamh, const module_options& o, const module_log& log);

}  // namespace sekisho::pam
