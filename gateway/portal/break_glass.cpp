#include "gateway/portal/break_glass.hpp"

#include <ctime>

#include <boost/beast/http/verb.hpp>

#include "core/util/secret.hpp"
#include "core/util/strict_json.hpp"
#include "gateway/portal/break_glass_page.hpp"
#include "gateway/portal/portal_cookies.hpp"
#include "gateway/portal/portal_exchange.hpp"
#include "gateway/server/webhook.hpp"

namespace sekisho::gateway {
namespace http = boost::beast::http;
namespace {

notice notice_of(const result<nlohmann::json>& reply, const std::string& result) {
  if (result.empty())
    return reply && reply->value("error", "") == "bad_request" && reply->value("field", "") == "reason"
               ? notice::reason_missing
               : notice::unavailable;
  if (result == "not_enabled") return notice::break_glass_off;
  return notice_for(result, notice::break_glass_denied);
}

// The optional webhook (a chat or ticket system), on its own thread: the emergency never waits for it.
void alert(const portal_request& r, const nlohmann::json& reply, const std::string& reason) {
  nlohmann::json event;
  event["event"] = "break_glass.open";
  event["user"] = reply.value("user", "");
  event["source"] = r.source;
  event["host"] = std::string(r.host);
  event["reason"] = reason;
  event["expires_in"] = reply.value("expires_in", std::int64_t{0});
  event["time"] = std::time(nullptr);
  post_json_in_background(*r.break_glass_webhook,
                          event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

awaitable<text_response> open_emergency_session(const portal_request& r, const form_fields& form, answer& a,
                                                authd_channel& authd) {
  auto req = portal_request_json(r, "breakglass.open");
  req["open_session"] = true;
  for (const char* name : {"password", "code", "reason"}) req[name] = field(form, name);
  req["user"] = field(form, "username");
  const auto reply = co_await authd.call(req);
  wipe_json(req);  // the password and the emergency code
  const auto result = result_of(reply);
  if (result == "ok" && reply->contains("session") && (*reply)["session"].is_string()) {
    if (r.break_glass_webhook != nullptr) alert(r, *reply, field(form, "reason"));
    a.cookies.push_back(session_cookie_header((*reply)["session"].get<std::string>()));
    co_return see_other(r, a, a.facts.return_path);
  }
  a.facts.message = notice_of(reply, result);
  a.facts.retry_after = reply ? reply->value("retry_after", std::int64_t{0}) : 0;
  co_return html(r, a, a.facts.message == notice::unavailable ? 503 : 200, break_glass_page(a.facts, r.break_glass_minutes));
}

}  // namespace

awaitable<text_response> serve_break_glass(const portal_request& r, authd_channel& authd) {
  const bool reading = r.method == http::verb::get || r.method == http::verb::head;
  if (!reading && r.method != http::verb::post) co_return error_page(405, r.version, r.keep_alive);
  if (!r.break_glass_offered) co_return error_page(404, r.version, r.keep_alive);
  const auto form = reading ? std::nullopt : parse_form(r.body.view());
  auto a = start(r, form ? &*form : nullptr);
  if (reading) co_return html(r, a, 200, break_glass_page(a.facts, r.break_glass_minutes));
  if (!form || !own_form(r, *form)) {
    a.facts.message = notice::form_expired;
    co_return html(r, a, 403, break_glass_page(a.facts, r.break_glass_minutes));
  }
  co_return co_await open_emergency_session(r, *form, a, authd);
}

}  // namespace sekisho::gateway
