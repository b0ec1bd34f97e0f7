// Open connections per client address, all workers together, for gateway.max_connections_per_address: so
// that one machine (an infected PC opening hundreds of slow connections, say) cannot take every one of
// gateway.max_connections from the rest of the hospital. IPv6 clients are counted per /64, the block one host
// is usually given, so that a host cannot escape the cap by taking a new address for each connection.
#pragma once
#include <mutex>
#include <unordered_map>

#include "core/policy/network.hpp"

namespace sekisho::gateway {

class address_counts {
 public:
  // Counts one more connection from `a`; returns how many are open from it (or its /64), this one included.
  int add(const ip_address& a);
  // Forgets one. An address with none left is forgotten too: the table holds only addresses with connections.
  void remove(const ip_address& a);
  std::size_t addresses() const;

 private:
  struct key_hash {
    std::size_t operator()(const ip_address& a) const;
  };
  mutable std::mutex mutex_;  // taken once when a connection opens and once when it closes, never per request
  std::unordered_map<ip_address, int, key_hash> counts_;
};

}  // namespace sekisho::gateway
