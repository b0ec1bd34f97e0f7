// Asking the user through the application's PAM conversation (sshd's keyboard-interactive, FreeRADIUS's
// User-Password, pamtester's terminal).
#pragma once
#include <optional>

#include <security/pam_modules.h>

#include "core/util/secret.hpp"

namespace sekisho::pam {

// One question with echo off (every answer the module asks for is a secret). nullopt when there is no
// conversation function, it fails, or it answers NULL; the answer's memory is wiped before it is freed.
std::optional<secret> ask_secret(pam_handle_t* pamh, const char* prompt);

}  // namespace sekisho::pam
