// The cookies the portal sets. All are __Host- (Secure, Path=/, no Domain: a sibling subdomain cannot set
// or read them) and HttpOnly except the language choice; none ever reaches an upstream (see session_cookie).
#pragma once
#include <string>
#include <string_view>

namespace sekisho::gateway {

inline constexpr std::string_view csrf_cookie_name = "__Host-sekisho-csrf";
inline constexpr std::string_view pending_cookie_name = "__Host-sekisho-pending";  // between password and code
inline constexpr std::string_view enroll_cookie_name = "__Host-sekisho-enroll";    // the enrollment link's token

// Lax for the session (DESIGN.md: a link from another site may open the EHR logged in), Strict for the rest.
std::string session_cookie_header(std::string_view id);
// Lax as well: the enrollment link is opened from elsewhere (a QR code, a message) and redirects once.
std::string lax_cookie_header(std::string_view name, std::string_view value, long max_age_seconds);
std::string strict_cookie_header(std::string_view name, std::string_view value, long max_age_seconds);
std::string language_cookie_header(std::string_view code);
std::string expired_cookie_header(std::string_view name);

}  // namespace sekisho::gateway
