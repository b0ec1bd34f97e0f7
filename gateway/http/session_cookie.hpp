// The session cookie `__Host-sekisho` (DESIGN.md contract): read from the request, fail closed — a
// malformed value, or two different values (cookie tossing from a sibling subdomain), count as no session.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "gateway/http/head_fields.hpp"

namespace sekisho::gateway {

inline constexpr std::string_view session_cookie_name = "__Host-sekisho";

// Both return views into `h`'s Cookie fields, valid until those change (strip_session_cookie): every
// proxied request reads its session cookie, and a copy would be an allocation each time.
std::optional<std::string_view> session_cookie(const head_fields& h);

// The value of cookie `name` when the request carries it once (or repeated with one value); nullopt when
// absent or when two values disagree (a sibling subdomain tossing its own).
std::optional<std::string_view> single_cookie(const head_fields& h, std::string_view name);

// Removes the session cookie and the portal's other __Host-sekisho* cookies (form token, half-done login,
// language) from every Cookie header, so upstreams never see them.
void strip_session_cookie(head_fields& h);

// Removes from an upstream's response every Set-Cookie that would set one of those cookies (the name in any
// case): an app behind the gateway, or a header-injection bug in one, could otherwise plant a session of its
// choosing in the browser (session fixation) or wipe the user's. Returns how many were removed.
std::size_t drop_gateway_set_cookies(head_fields& h);

}  // namespace sekisho::gateway
