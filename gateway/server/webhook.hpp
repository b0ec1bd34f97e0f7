// Fire-and-forget JSON POSTs (the break-glass alert) on a thread of their own, so no request ever waits for
// a slow or dead receiver: 10 seconds at most, then given up with one line on standard error (journald).
// HTTPS receivers are verified against the system's CAs and their name.
#pragma once
#include <string>

#include "core/config/gateway_config.hpp"

namespace sekisho::gateway {

void post_json_in_background(const http_url& to, std::string body);

}  // namespace sekisho::gateway
