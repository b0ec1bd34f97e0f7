#include "gateway/server/metrics.hpp"

#include <algorithm>

#include "gateway/http/access_record.hpp"

namespace sekisho::gateway {
namespace {

// The entry for `key`, made on first use: the string is allocated once per upstream or op, not per request.
template <class Map>
typename Map::mapped_type& entry(Map& m, std::string_view key) {
  auto it = m.find(key);
  if (it == m.end()) it = m.emplace(std::string(key), typename Map::mapped_type{}).first;
  return it->second;
}

}  // namespace

void histogram::observe(double seconds) {
  const auto bucket = std::lower_bound(latency_buckets.begin(), latency_buckets.end(), seconds);
  ++counts[static_cast<std::size_t>(bucket - latency_buckets.begin())];
  sum += seconds;
  ++count;
}

histogram& histogram::operator+=(const histogram& o) {
  for (std::size_t i = 0; i < counts.size(); ++i) counts[i] += o.counts[i];
  sum += o.sum;
  count += o.count;
  return *this;
}

void gateway_metrics::record_request(const access_record& r) {
  record_request(r.upstream.empty() ? no_upstream : std::string_view(r.upstream), r.status, r.total_ms / 1000.0);
}

void gateway_metrics::record_request(std::string_view upstream, unsigned status, double seconds) {
  auto& u = entry(requests_, upstream);
  ++u.by_status[status];
  u.seconds.observe(seconds);
}

void gateway_metrics::record_authd_call(std::string_view op, double seconds, bool answered) {
  auto& a = entry(authd_, op);
  a.seconds.observe(seconds);
  if (!answered) ++a.errors;
}

gateway_metrics& gateway_metrics::operator+=(const gateway_metrics& o) {
  for (const auto& [name, counts] : o.requests_) {
    auto& mine = entry(requests_, name);
    for (const auto& [status, n] : counts.by_status) mine.by_status[status] += n;
    mine.seconds += counts.seconds;
  }
  for (const auto& [op, counts] : o.authd_) {
    auto& mine = entry(authd_, op);
    mine.seconds += counts.seconds;
    mine.errors += counts.errors;
  }
  return *this;
}

}  // namespace sekisho::gateway
