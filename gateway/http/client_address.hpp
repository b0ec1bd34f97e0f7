// Whom a request speaks for. Behind a load balancer or another proxy the gateway's TCP peer is that proxy;
// when it is one of gateway.trusted_proxies, the client is the nearest address in X-Forwarded-For that is
// not itself a trusted proxy (walking from the right, as nginx's real_ip_recursive does). The source
// networks of the rules and the access log's client use it; a client can never pick it by sending its own
// X-Forwarded-For, because only a trusted peer's header is read.
#pragma once
#include <vector>

#include "gateway/http/head_fields.hpp"

#include "core/policy/network.hpp"

namespace sekisho::gateway {

// An entry that is not an address ends the walk: the address to its right (or the peer) is the client.
ip_address client_address(const head_fields& h, const ip_address& peer,
                          const std::vector<ip_network>& trusted_proxies);

bool is_trusted_proxy(const std::vector<ip_network>& trusted_proxies, const ip_address& a);

}  // namespace sekisho::gateway
