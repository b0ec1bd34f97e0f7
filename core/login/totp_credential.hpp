// A stored authenticator app's parameters, as the TOTP code check needs them.
#pragma once
#include "core/store/factor_store.hpp"
#include "core/totp/totp.hpp"

namespace sekisho::login {

totp::totp_params params_of(const store::totp_row& row);

}  // namespace sekisho::login
