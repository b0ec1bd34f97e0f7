// Upstream response headers that point at the upstream's internal address, rewritten to the public origin:
// what nginx's `proxy_redirect default` and `proxy_cookie_domain` do for a legacy app that builds absolute
// URLs and cookie domains from the address it was reached at.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "gateway/http/head_fields.hpp"

#include "core/config/gateway_config.hpp"

namespace sekisho::gateway {

namespace http = boost::beast::http;

struct rewrite_origins {
  // Normalised "scheme://host[:port]": scheme and host in lower case, IPv6 in brackets, default ports
  // (http 80, https 443) elided. They are the upstream's scheme with each internal host name (the url's
  // address and host_header's host) at the url's port, plus host_header exactly as sent (an app that builds
  // URLs from Host leaves out the port Host had none of).
  std::vector<std::string> internal;
  // Lower case, no port or brackets: the Set-Cookie Domain values that are dropped.
  std::vector<std::string> internal_hosts;
  // public_scheme://public_host, normalised the same way; empty when public_host is not a plain host[:port],
  // and then no URL is rewritten.
  std::string public_origin;
};

rewrite_origins make_rewrite_origins(const upstream_config& u, std::string_view public_host,
                                     std::string_view public_scheme);

// When u.rewrite_redirects: Location, Content-Location and Refresh URLs at an internal origin move to the
// public origin, path, query and fragment kept; relative URLs and other origins are left alone.
// When u.rewrite_cookies: a Set-Cookie Domain attribute naming an internal host is dropped, so the cookie
// becomes host-only on the public host; every other byte of every Set-Cookie is kept, in order.
void rewrite_response_headers(head_fields& h, const upstream_config& u, std::string_view public_host,
                              std::string_view public_scheme);

}  // namespace sekisho::gateway
