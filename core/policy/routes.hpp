// Which upstream serves a request: among upstreams whose hosts match, the longest matching path prefix wins.
#pragma once
#include <string_view>
#include <vector>

#include "core/config/gateway_config.hpp"

namespace sekisho {

// Index into upstreams, or -1 when none serves this host and path.
int select_upstream(const std::vector<upstream_config>& upstreams, std::string_view host, std::string_view path);

}  // namespace sekisho
