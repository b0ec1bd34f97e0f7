// File descriptors for gateway.max_connections. Each client connection takes one, and another for its upstream
// while a request is forwarded; idle pooled upstream connections, listeners, authd and the log take more.
// Debian's systemd starts services with a soft limit of 1,024 (hard 524,288), which would stop the gateway near
// 500 connections whatever max_connections says: so it raises its own soft limit (within the hard one) to what
// max_connections needs, and says so when it cannot.
#pragma once
#include <string>

namespace sekisho::gateway {

// Empty when the soft limit is (now) enough for max_connections; otherwise a line for the operator.
std::string fit_open_file_limit(int max_connections);

}  // namespace sekisho::gateway
