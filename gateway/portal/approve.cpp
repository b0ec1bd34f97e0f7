#include "gateway/portal/approve.hpp"

#include <boost/beast/http/verb.hpp>

#include "core/util/encoding.hpp"
#include "gateway/http/session_cookie.hpp"
#include "gateway/portal/approve_page.hpp"
#include "gateway/portal/portal_exchange.hpp"

namespace sekisho::gateway {
namespace http = boost::beast::http;
namespace {

using nlohmann::json;

struct approve_call {
  const portal_request& r;
  answer& a;
  authd_channel& authd;
  std::string_view session;
};

json approval_request(const approve_call& c, const char* op, const std::string& code) {
  auto req = portal_request_json(c.r, op);
  req["session"] = c.session;
  req["code"] = code;
  return req;
}

notice notice_of(const std::string& result, notice otherwise) {
  if (result.empty()) return notice::unavailable;
  if (result == "not_found" || result == "expired") return notice::approval_not_found;
  if (result == "emergency_session") return notice::approval_emergency;
  return otherwise;
}

approval_view view_of(const json& reply) {
  approval_view v;
  const auto it = reply.find("approval");
  if (it == reply.end() || !it->is_object()) return v;
  const auto text = [&](const char* k) { return it->contains(k) && (*it)[k].is_string() ? (*it)[k].get<std::string>() : ""; };
  const auto number = [&](const char* k) { return it->contains(k) && (*it)[k].is_number_integer() ? (*it)[k].get<std::int64_t>() : 0; };
  v = {text("code"), text("host"), text("service"), text("source"), text("tty"), number("opened_at"), number("expires_in")};
  return v;
}

// The approval's details with a new challenge for the security key, or the code form with why not.
awaitable<text_response> show(const approve_call& c, const std::string& code) {
  const auto reply = co_await c.authd.call(approval_request(c, "approval.show", code));
  const auto result = result_of(reply);
  if (result == "ok" && reply->contains("options")) {
    c.a.facts.webauthn_options = (*reply)["options"].dump();
    c.a.facts.webauthn_handle = reply->value("handle", "");
    co_return html(c.r, c.a, 200, approve_details_page(c.a.facts, view_of(*reply)));
  }
  if (c.a.facts.message == notice::none) c.a.facts.message = notice_of(result, notice::approval_not_found);
  co_return html(c.r, c.a, result.empty() ? 503 : 200, approve_code_page(c.a.facts));
}

awaitable<text_response> approve_with_key(const approve_call& c, const form_fields& form) {
  const auto code = field(form, "code");
  auto req = approval_request(c, "approval.approve", code);
  for (const char* name : {"handle", "credential_id", "client_data_json", "authenticator_data", "signature"})
    req[name] = field(form, name);
  if (const auto handle = field(form, "user_handle"); !handle.empty()) req["user_handle"] = handle;
  const auto result = result_of(co_await c.authd.call(req));
  if (result == "ok") {
    c.a.facts.message = notice::approval_given;
    co_return html(c.r, c.a, 200, approve_code_page(c.a.facts));
  }
  c.a.facts.message = notice_of(result, notice::key_login_failed);
  if (c.a.facts.message != notice::key_login_failed) co_return html(c.r, c.a, 200, approve_code_page(c.a.facts));
  co_return co_await show(c, code);  // the key's answer was refused: try again with a new challenge
}

awaitable<text_response> deny(const approve_call& c, const form_fields& form) {
  const auto result = result_of(co_await c.authd.call(approval_request(c, "approval.deny", field(form, "code"))));
  c.a.facts.message = result == "ok" ? notice::approval_denied : notice_of(result, notice::approval_not_found);
  co_return html(c.r, c.a, result.empty() ? 503 : 200, approve_code_page(c.a.facts));
}

}  // namespace

awaitable<text_response> serve_approve(const portal_request& r, authd_channel& authd, session_cache& sessions) {
  const auto& path = r.target.path;
  const bool key = path == "/.sekisho/approve/key", denial = path == "/.sekisho/approve/deny";
  if (path != approve_path && !key && !denial) co_return error_page(404, r.version, r.keep_alive);
  const bool reading = r.method == http::verb::get || r.method == http::verb::head;
  if (!reading && r.method != http::verb::post) co_return error_page(405, r.version, r.keep_alive);
  const auto form = reading ? std::nullopt : parse_form(r.body.view());
  auto a = start(r, form ? &*form : nullptr);
  a.facts.self_path = approve_path;
  const auto id = session_cookie(r.headers);
  std::shared_ptr<const session_identity> who;  // not inside ?: (GCC 12, see account.cpp)
  if (id) who = co_await sessions.lookup(std::string(*id));
  if (!who) co_return see_other(r, a, "/.sekisho/login?rd=" + percent_encode(approve_path, "/"));
  const approve_call c{r, a, authd, *id};
  if (reading) {
    if (path != approve_path) co_return error_page(405, r.version, r.keep_alive);
    co_return html(r, a, 200, approve_code_page(a.facts));
  }
  if (!form || !own_form(r, *form)) {
    a.facts.message = notice::form_expired;
    co_return html(r, a, 403, approve_code_page(a.facts));
  }
  if (key) co_return co_await approve_with_key(c, *form);
  if (denial) co_return co_await deny(c, *form);
  co_return co_await show(c, field(*form, "code"));
}

}  // namespace sekisho::gateway
