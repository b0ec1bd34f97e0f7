#include "gateway/portal/portal_cookies.hpp"

#include "gateway/http/session_cookie.hpp"
#include "gateway/portal/language.hpp"

namespace sekisho::gateway {

namespace {

std::string host_cookie(std::string_view name, std::string_view value, std::string_view same_site, long max_age_seconds) {
  std::string h = std::string(name) + "=" + std::string(value) + "; Secure; HttpOnly; SameSite=" + std::string(same_site) +
                  "; Path=/";
  if (max_age_seconds > 0) h += "; Max-Age=" + std::to_string(max_age_seconds);
  return h;
}

}  // namespace

std::string lax_cookie_header(std::string_view name, std::string_view value, long max_age_seconds) {
  return host_cookie(name, value, "Lax", max_age_seconds);
}

std::string session_cookie_header(std::string_view id) { return lax_cookie_header(session_cookie_name, id, 0); }

std::string strict_cookie_header(std::string_view name, std::string_view value, long max_age_seconds) {
  return host_cookie(name, value, "Strict", max_age_seconds);
}

std::string language_cookie_header(std::string_view code) {
  return std::string(language_cookie_name) + "=" + std::string(code) + "; Secure; SameSite=Lax; Path=/; Max-Age=31536000";
}

std::string expired_cookie_header(std::string_view name) {
  return std::string(name) + "=; Secure; HttpOnly; SameSite=Strict; Path=/; Max-Age=0";
}

}  // namespace sekisho::gateway
