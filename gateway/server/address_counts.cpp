#include "gateway/server/address_counts.hpp"

#include <algorithm>
#include <functional>
#include <string_view>

namespace sekisho::gateway {
namespace {

// The whole address for IPv4; the /64 for IPv6.
ip_address counted_as(const ip_address& a) {
  if (is_ipv4_mapped(a)) return a;
  ip_address block = a;
  std::fill(block.bytes.begin() + 8, block.bytes.end(), 0);
  return block;
}

}  // namespace

std::size_t address_counts::key_hash::operator()(const ip_address& a) const {
  return std::hash<std::string_view>{}({reinterpret_cast<const char*>(a.bytes.data()), a.bytes.size()});
}

int address_counts::add(const ip_address& a) {
  const std::lock_guard lock(mutex_);
  return ++counts_[counted_as(a)];
}

void address_counts::remove(const ip_address& a) {
  const std::lock_guard lock(mutex_);
  const auto it = counts_.find(counted_as(a));
  if (it != counts_.end() && --it->second <= 0) counts_.erase(it);
}

std::size_t address_counts::addresses() const {
  const std::lock_guard lock(mutex_);
  return counts_.size();
}

}  // namespace sekisho::gateway
