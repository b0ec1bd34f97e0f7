#include "gateway/server/open_files.hpp"

#include <sys/resource.h>

#include <algorithm>

namespace sekisho::gateway {
namespace {

// Two per connection, and room for idle upstream pools, listeners, authd, the log and the libraries.
rlim_t needed_for(int max_connections) { return 2 * static_cast<rlim_t>(max_connections) + 1024; }

}  // namespace

std::string fit_open_file_limit(int max_connections) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return "cannot read the open-file limit";
  const rlim_t needed = needed_for(max_connections);
  if (limit.rlim_cur >= needed) return {};
  const rlim_t was = limit.rlim_cur;
  limit.rlim_cur = std::min(limit.rlim_max, needed);
  if (limit.rlim_cur > was && setrlimit(RLIMIT_NOFILE, &limit) != 0) limit.rlim_cur = was;
  if (limit.rlim_cur >= needed) return {};
  return "the open-file limit is " + std::to_string(limit.rlim_cur) + " (hard limit " +
         std::to_string(limit.rlim_max) + "), below the " + std::to_string(needed) +
         " that gateway.max_connections = " + std::to_string(max_connections) +
         " needs: connections beyond about " + std::to_string(limit.rlim_cur / 2) +
         " will wait; raise LimitNOFILE= (systemd) or ulimit -n, or lower gateway.max_connections";
}

}  // namespace sekisho::gateway
