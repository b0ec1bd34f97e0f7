// The module's one line to authd: a request and its reply over authd's Unix socket, or through a gateway's PAM
// listener (url=), within the option `timeout`. Any trouble (no socket, no answer, TLS, authd's own refusal)
// is an error, and the caller fails closed.
#pragma once
#include <nlohmann/json.hpp>

#include "core/util/result.hpp"
#include "pam_module/module_options.hpp"

namespace sekisho::pam {

// The reply when authd answered "ok": true. The request's strings are wiped afterwards (it may carry
// a password and a code).
result<nlohmann::json> ask_authd(const module_options& o, nlohmann::json& request);

}  // namespace sekisho::pam
