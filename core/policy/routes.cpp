// select_upstream: the most specific upstream for a host and a normalised path.
#include "core/policy/routes.hpp"

#include <cstddef>

#include "core/policy/rules.hpp"

namespace sekisho {

int select_upstream(const std::vector<upstream_config>& upstreams, std::string_view host, std::string_view path) {
  int best = -1;
  std::size_t best_length = 0;
  bool best_has_hosts = false;
  for (std::size_t i = 0; i < upstreams.size(); ++i) {
    const auto& u = upstreams[i];
    bool host_ok = u.hosts.empty();
    for (const auto& pattern : u.hosts) host_ok = host_ok || host_matches(pattern, host);
    const auto paths = u.windows_paths ? path_case::ignored : path_case::exact;
    if (!host_ok || !path_has_prefix(path, u.path_prefix, paths)) continue;
    const bool has_hosts = !u.hosts.empty();
    // Longer prefix first, then explicit hosts over "any host"; on a full tie the first listed stays.
    const bool better = best < 0 || u.path_prefix.size() > best_length ||
                        (u.path_prefix.size() == best_length && has_hosts && !best_has_hosts);
    if (better) {
      best = static_cast<int>(i);
      best_length = u.path_prefix.size();
      best_has_hosts = has_hosts;
    }
  }
  return best;
}

}  // namespace sekisho
