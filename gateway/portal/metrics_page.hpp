// /.sekisho/metrics in the Prometheus text exposition format 0.0.4, and who may read it (DESIGN.md: admins or
// loopback only). Pure: the page gets the gateway's summed counters and authd's "metrics" reply.
#pragma once
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/policy/network.hpp"
#include "core/store/admin_group.hpp"
#include "gateway/http/admission.hpp"
#include "gateway/server/metrics.hpp"

namespace sekisho::gateway {

inline constexpr std::string_view metrics_path = "/.sekisho/metrics";
inline constexpr std::string_view metrics_content_type = "text/plain; version=0.0.4; charset=utf-8";
// The group whose members may read the metrics from anywhere: the admins.
inline constexpr std::string_view metrics_group = store::admin_group;

// A client on the box itself (the request's source after trusted proxies: 127.0.0.0/8, ::1, ::ffff:127.x), or a
// two-factor session of a user in group admins. An emergency (break-glass) session or one that must still change
// its temporary password is not enough.
bool may_read_metrics(bool from_loopback, const session_identity* who);
bool is_loopback_address(const ip_address& a);

// A label value as the format requires: backslash, double quote and line feed escaped.
std::string escape_label_value(std::string_view value);

// The whole page. `authd` is authd's reply to "metrics", or null when it did not answer (sekisho_authd_up 0 and
// none of authd's series).
std::string render_metrics(const gateway_metrics& gateway, const nlohmann::json* authd);

}  // namespace sekisho::gateway
