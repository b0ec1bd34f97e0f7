#include "gateway/http/client_address.hpp"

#include <boost/beast/core/string.hpp>

#include "gateway/http/header_names.hpp"

namespace sekisho::gateway {

bool is_trusted_proxy(const std::vector<ip_network>& trusted_proxies, const ip_address& a) {
  for (const auto& n : trusted_proxies)
    if (n.contains(a)) return true;
  return false;
}

ip_address client_address(const head_fields& h, const ip_address& peer,
                          const std::vector<ip_network>& trusted_proxies) {
  if (!is_trusted_proxy(trusted_proxies, peer)) return peer;
  // The chain in order, every X-Forwarded-For field (in its real spelling) as one list, oldest hop first.
  std::vector<std::string_view> chain;
  for (const auto& f : h)
    if (boost::beast::iequals(f.name_string(), "X-Forwarded-For"))
      for (auto hop : split_list(f.value())) chain.push_back(hop);
  ip_address client = peer;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    const auto a = parse_ip_address(*it);
    if (!a) break;
    client = *a;
    if (!is_trusted_proxy(trusted_proxies, client)) break;
  }
  return client;
}

}  // namespace sekisho::gateway
