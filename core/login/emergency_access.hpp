// Break-glass's second factor: the user's sealed emergency code (or, where the site allows it, a recovery
// code), checked and spent as a factor_checker, so the authenticator throttles and audits it like any factor.
#pragma once
#include "core/config/config.hpp"
#include "core/login/authenticator.hpp"
#include "core/util/secret.hpp"

namespace sekisho::login {

// Every argument must outlive the returned checker (it runs within one check_second_factor call).
factor_checker emergency_code_checker(const break_glass_config& cfg, authenticator& auth, std::int64_t user_id,
                                      const secret& code);

}  // namespace sekisho::login
