// User names are lower-case ASCII letters, digits, '.', '_' and '-', 1–64 long, starting with a
// letter or digit: the same name then works in a URL, a PAM stack, a RADIUS request and a
// shell, and "Alice" and "alice" cannot become two accounts.
#pragma once
#include <string>
#include <string_view>

namespace sekisho::login {

bool valid_user_name(std::string_view name);
// Lower-cases and trims what a person typed; "" when it cannot be a valid name.
std::string canonical_user_name(std::string_view typed);

}  // namespace sekisho::login
