#include "gateway/portal/portal_cookies.hpp"

#include "gateway/http/session_cookie.hpp"
#include "gateway/portal/language.hpp"

namespace sekisho::gateway {

std::string session_cookie_header(std::string_view id) {
  return std::string(session_cookie_name) + "=" + std::string(id) + "; Secure; HttpOnly; SameSite=Lax; Path=/";
}

std::string strict_cookie_header(std::string_view name, std::string_view value, long max_age_seconds) {
  std::string h = std::string(name) + "=" + std::string(value) + "; Secure; HttpOnly; SameSite=Strict; Path=/";
  if (max_age_seconds > 0) h += "; Max-Age=" + std::to_string(max_age_seconds);
  return h;
}

std::string language_cookie_header(std::string_view code) {
  return std::string(language_cookie_name) + "=" + std::string(code) + "; Secure; SameSite=Lax; Path=/; Max-Age=31536000";
}

std::string expired_cookie_header(std::string_view name) {
  return std::string(name) + "=; Secure; HttpOnly; SameSite=Strict; Path=/; Max-Age=0";
}

}  // namespace sekisho::gateway
