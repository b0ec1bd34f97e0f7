// `sekisho gateway`: listeners, one worker per I/O thread, and the signals an operator uses — SIGTERM
// drains (no new connections, requests in flight finish within drain_timeout), SIGHUP reloads the config
// and certificates without dropping connections and keeps the old ones when the new config is bad.
#pragma once
#include <filesystem>
#include <memory>

#include "core/config/config.hpp"
#include "core/util/result.hpp"

namespace sekisho::gateway {

// Serves until SIGTERM or SIGINT. Start-up problems (bad certificate, port in use) come back as errors
// before anything is served; the return value is the process exit code otherwise.
result<int> run_gateway(const std::filesystem::path& config_path, config settings);

}  // namespace sekisho::gateway
