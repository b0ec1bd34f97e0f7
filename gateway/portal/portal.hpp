// The reserved prefix /.sekisho/ on every host. Until the portal (issue 4) lands: a placeholder login
// page, and health.
#pragma once
#include <boost/beast/http/verb.hpp>

#include "core/config/config.hpp"
#include "core/policy/target.hpp"
#include "gateway/http/error_pages.hpp"

namespace sekisho::gateway {

text_response serve_portal(const config& settings, const request_target& target, boost::beast::http::verb method,
                           unsigned version, bool keep_alive);

}  // namespace sekisho::gateway
