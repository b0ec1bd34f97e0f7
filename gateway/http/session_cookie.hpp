// The session cookie `__Host-sekisho` (DESIGN.md contract): read from the request, fail closed — a
// malformed value, or two different values (cookie tossing from a sibling subdomain), count as no session.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include <boost/beast/http/fields.hpp>

namespace sekisho::gateway {

inline constexpr std::string_view session_cookie_name = "__Host-sekisho";

std::optional<std::string> session_cookie(const boost::beast::http::fields& h);

// Removes the session cookie from every Cookie header, so upstreams never see the gateway's session id.
void strip_session_cookie(boost::beast::http::fields& h);

}  // namespace sekisho::gateway
