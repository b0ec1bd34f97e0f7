#include "gateway/server/connection_slot.hpp"

#include "gateway/http/client_address.hpp"
#include "gateway/server/worker.hpp"

namespace sekisho::gateway {
namespace {

ip_address peer_address(const tcp_socket& s) {
  error_code ec;
  const auto ep = s.remote_endpoint(ec);
  auto a = parse_ip_address(ec ? std::string("::") : ep.address().to_string());
  return a ? *a : ip_address{};
}

}  // namespace

connection_slot::connection_slot(shared_services& shared, const tcp_socket& socket)
    : shared_(shared),
      peer_(peer_address(socket)),
      open_(++shared.connections),
      open_from_peer_(shared.per_address.add(peer_)) {}

connection_slot::~connection_slot() {
  shared_.per_address.remove(peer_);
  --shared_.connections;
}

unsigned connection_slot::refusal(const gateway_config& g) const {
  if (g.max_connections_per_address > 0 && open_from_peer_ > g.max_connections_per_address &&
      !is_trusted_proxy(g.trusted_proxies, peer_))
    return 429;
  return open_ > g.max_connections ? 503 : 0;
}

}  // namespace sekisho::gateway
