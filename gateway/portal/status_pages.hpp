// The portal's pages for monitoring: /.sekisho/health (no login; authd reachable, its database writable, the clock
// synchronised, the access log written) and /.sekisho/metrics (Prometheus text; loopback clients and admins only).
#pragma once
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/util/result.hpp"
#include "gateway/portal/portal.hpp"

namespace sekisho::gateway {

inline constexpr std::string_view health_path = "/.sekisho/health";

// 200 "ok\n" when authd answered "health", all is well there and the access log is being written; otherwise
// 503 and one line per problem: "authd unreachable", "database not writable", "clock not synchronised",
// "access log not writable".
struct health_verdict {
  unsigned status = 503;
  std::string body;
};
health_verdict judge_health(const result<nlohmann::json>& reply, bool access_log_failing);

awaitable<text_response> serve_health(const portal_request& r, authd_channel& authd);
// 403 unless may_read_metrics; otherwise every worker's counters summed and authd's "metrics" reply, rendered.
awaitable<text_response> serve_metrics(const portal_request& r, authd_channel& authd);

}  // namespace sekisho::gateway
