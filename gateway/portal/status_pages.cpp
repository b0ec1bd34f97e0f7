#include "gateway/portal/status_pages.hpp"

#include <boost/beast/http/status.hpp>

#include "gateway/portal/metrics_page.hpp"
#include "gateway/portal/portal_exchange.hpp"
#include "gateway/server/access_log.hpp"
#include "gateway/server/worker.hpp"

namespace sekisho::gateway {
namespace http = boost::beast::http;
namespace {

using nlohmann::json;

constexpr std::string_view text_plain = "text/plain; charset=utf-8";

json request(const char* op) {
  json j;
  j["op"] = op;
  return j;
}

bool flag(const json& reply, const char* key) {
  const auto it = reply.find(key);
  return it != reply.end() && it->is_boolean() && it->get<bool>();
}

std::string authd_problems(const result<json>& reply) {
  if (!reply || !reply->is_object()) return "authd unreachable\n";
  // authd answered, but its store failed before the handler could say so.
  if (!flag(*reply, "ok")) {
    const auto error = reply->find("error");
    const bool store = error != reply->end() && error->is_string() && error->get<std::string>() == "unavailable";
    return store ? "database not writable\n" : "authd unreachable\n";
  }
  std::string problems;
  if (!flag(*reply, "database_writable")) problems += "database not writable\n";
  if (!flag(*reply, "clock_synchronised")) problems += "clock not synchronised\n";
  return problems;
}

}  // namespace

health_verdict judge_health(const result<json>& reply, bool access_log_failing) {
  auto problems = authd_problems(reply);
  if (access_log_failing) problems += "access log not writable\n";
  if (problems.empty()) return {200, "ok\n"};
  return {503, std::move(problems)};
}

awaitable<text_response> serve_health(const portal_request& r, authd_channel& authd) {
  const bool access_log_failing = r.workers != nullptr && r.workers->log != nullptr && r.workers->log->failing();
  const auto verdict = judge_health(co_await authd.call(request("health")), access_log_failing);
  co_return plain(r, static_cast<http::status>(verdict.status), text_plain, verdict.body);
}

awaitable<text_response> serve_metrics(const portal_request& r, authd_channel& authd) {
  if (!may_read_metrics(r.from_loopback, r.who)) co_return error_page(403, r.version, r.keep_alive);
  gateway_metrics gateway;
  if (r.workers != nullptr) gateway = co_await gather_metrics(*r.workers);
  const auto reply = co_await authd.call(request("metrics"));
  const bool answered = reply && reply->is_object() && flag(*reply, "ok");
  co_return plain(r, http::status::ok, metrics_content_type, render_metrics(gateway, answered ? &*reply : nullptr));
}

}  // namespace sekisho::gateway
