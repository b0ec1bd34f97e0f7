// The reserved prefix /.sekisho/ on every host. Until the portal (issue 4) lands: a placeholder login
// page, and health.
#pragma once
#include <boost/beast/http/verb.hpp>

#include "core/policy/target.hpp"
#include "gateway/http/error_pages.hpp"

namespace sekisho::gateway {

// Whether the page needs authd's liveness (health): the caller asks authd asynchronously first.
bool needs_authd_ping(const request_target& target);

text_response serve_portal(const request_target& target, boost::beast::http::verb method, unsigned version,
                           bool keep_alive, bool authd_answers);

}  // namespace sekisho::gateway
