// Header names that HTTP or the gateway give a meaning to. The gateway strips or sets them on every request;
// the config refuses them as names for the identity headers it injects, which would otherwise frame the
// request (Content-Length), route it (Host), be taken for connection options, or be overwritten.
#pragma once
#include <string_view>

#include "core/util/header_name.hpp"

namespace sekisho::reserved_headers {

// RFC 9110 §7.6.1's hop-by-hop fields, the old Proxy-Connection, and the proxy-authentication pair, which
// belong to the hop between a client and its proxy: the gateway.
inline constexpr std::string_view hop_by_hop[] = {"Connection", "Keep-Alive",          "Proxy-Connection",  "TE",
                                                  "Trailer",    "Proxy-Authorization", "Proxy-Authenticate", "Upgrade"};

// The gateway's framing owns these. A Connection header cannot remove them, and their look-alikes
// (`Content_Length`) are dropped so that an upstream that merges '_' into '-' cannot see two framings.
inline constexpr std::string_view framing[] = {"Content-Length", "Transfer-Encoding"};

// Where a client could claim another address, scheme, host or path. The gateway sets X-Forwarded-For/-Proto/
// -Host itself; the rest are not sent. The path overrides matter most: IIS URL Rewrite, ASP.NET, Symfony and
// Zend-era apps serve X-Original-URL or X-Rewrite-URL instead of the request line, so one of them sent
// through a bypass route would open a page the rules never judged.
inline constexpr std::string_view forwarding[] = {
    "Forwarded",          "X-Forwarded-For",      "X-Forwarded-Proto",       "X-Forwarded-Host",
    "X-Forwarded-Port",   "X-Forwarded-Server",   "X-Forwarded-Scheme",      "X-Forwarded-Ssl",
    "X-Forwarded-Prefix", "X-Forwarded-Uri",      "X-Original-URL",          "X-Original-URI",
    "X-Rewrite-URL",      "X-Original-Host",      "X-Host",                  "X-Real-IP",
    "X-Client-IP",        "True-Client-IP",       "X-Original-Forwarded-For", "X-Cluster-Client-IP",
    "Front-End-Https",    "X-Url-Scheme"};

// Set, kept or acted on by the gateway for every request.
inline constexpr std::string_view request_meaning[] = {"Host", "Cookie", "Expect"};

// Whether `name`, in any spelling, is one of the above.
constexpr bool is_reserved(std::string_view name) {
  return named_in(name, hop_by_hop) || named_in(name, framing) || named_in(name, forwarding) ||
         named_in(name, request_meaning);
}

}  // namespace sekisho::reserved_headers
