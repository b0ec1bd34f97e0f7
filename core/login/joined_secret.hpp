// RADIUS PAP carries one secret: the password immediately followed by the authenticator app's code
// (pam_sekisho mode=combined). The split is by the code's fixed length, so a password may end in digits,
// contain spaces or be any UTF-8: only the last `digits` bytes are the code, and they must all be digits.
#pragma once
#include <optional>

#include "core/util/secret.hpp"

namespace sekisho::login {

struct password_and_code {
  secret password;
  secret code;
};

// nullopt when `joined` is too short to hold a password and a code, or does not end in `digits` digits.
std::optional<password_and_code> split_password_and_code(const secret& joined, int digits);

}  // namespace sekisho::login
