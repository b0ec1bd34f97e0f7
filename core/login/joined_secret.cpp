#include "core/login/joined_secret.hpp"

namespace sekisho::login {

std::optional<password_and_code> split_password_and_code(const secret& joined, int digits) {
  const auto all = joined.view();
  if (digits <= 0 || all.size() <= static_cast<std::size_t>(digits)) return std::nullopt;
  const auto at = all.size() - static_cast<std::size_t>(digits);
  for (char c : all.substr(at))
    if (c < '0' || c > '9') return std::nullopt;
  return password_and_code{secret(all.substr(0, at)), secret(all.substr(at))};
}

}  // namespace sekisho::login
