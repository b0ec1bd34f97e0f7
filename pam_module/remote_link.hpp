// A request to authd through a Sekisho gateway's PAM listener, for a module on another server: TLS 1.2+ to
// url=tls://HOST:PORT, the certificate verified against the one pinned CA file (ca=, never the system's
// store) and the host name; the server's token (token_file=) goes with each request. Every failure (DNS,
// connect, TLS, timeout, an unreadable or loosely protected token file) is an error: the caller fails closed.
#pragma once
#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

#include "core/util/result.hpp"
#include "core/util/secret.hpp"
#include "pam_module/module_options.hpp"

namespace sekisho::pam {

// The token in `path`: a regular file, not a symlink or FIFO, owned by root (or this process's user),
// readable by no one else.
result<secret> read_token_file(const std::string& path);

// One request and its reply over a new TLS connection, all within `timeout`.
result<nlohmann::json> call_remote(const remote_server& server, const nlohmann::json& request,
                                   std::chrono::milliseconds timeout);

}  // namespace sekisho::pam
