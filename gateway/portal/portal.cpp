#include "gateway/portal/portal.hpp"

#include <boost/beast/http/field.hpp>

#include "core/util/secret.hpp"
#include "core/util/strict_json.hpp"
#include "gateway/http/session_cookie.hpp"
#include "gateway/portal/account.hpp"
#include "gateway/portal/approve.hpp"
#include "gateway/portal/break_glass.hpp"
#include "gateway/portal/changes_page.hpp"
#include "gateway/portal/enroll.hpp"
#include "gateway/portal/metrics_page.hpp"
#include "gateway/portal/portal_cookies.hpp"
#include "gateway/portal/portal_exchange.hpp"
#include "gateway/portal/status_pages.hpp"
#include "gateway/portal/webauthn_script.hpp"

namespace sekisho::gateway {
namespace http = boost::beast::http;
namespace {

using nlohmann::json;

// The first step's page: user name and password, and a passkey alone where the site offers that (authd hands
// out a challenge bound to this page's form token).
awaitable<text_response> first_step_page(const portal_request& r, answer& a, authd_channel& authd, unsigned status) {
  if (r.passkey_login_offered) {
    auto req = portal_request_json(r, "webauthn.passkey.begin");
    req["owner"] = a.facts.csrf;
    const auto reply = co_await authd.call(req);
    if (result_of(reply) == "ok" && reply->contains("options")) {
      a.facts.webauthn_options = (*reply)["options"].dump();
      a.facts.webauthn_handle = reply->value("handle", "");
    }
  }
  co_return html(r, a, status, password_page(a.facts));
}

// The second step's page: the code field, and the security key button when the user has a key (authd
// hands out a challenge for this pending login).
awaitable<text_response> second_step_page(const portal_request& r, answer& a, authd_channel& authd,
                                          std::string_view pending) {
  auto req = portal_request_json(r, "webauthn.login.begin");
  req["pending"] = pending;
  const auto reply = co_await authd.call(req);
  if (result_of(reply) == "ok" && reply->contains("options")) {
    a.facts.webauthn_options = (*reply)["options"].dump();
    a.facts.webauthn_handle = reply->value("handle", "");
  }
  co_return html(r, a, 200, code_page(a.facts));
}

awaitable<text_response> password_step(const portal_request& r, const form_fields& form, answer& a,
                                       authd_channel& authd) {
  auto req = portal_request_json(r, "login.password");
  req["user"] = field(form, "username");
  req["password"] = field(form, "password");
  const auto reply = co_await authd.call(req);
  wipe_json(req);  // the password
  const auto result = result_of(reply);
  if (result == "ok" && (*reply)["pending"].is_string()) {
    const auto pending = (*reply)["pending"].get<std::string>();
    a.cookies.push_back(strict_cookie_header(pending_cookie_name, pending, pending_max_age));
    co_return co_await second_step_page(r, a, authd, pending);
  }
  a.facts.message = result.empty() ? notice::unavailable : notice_for(result, notice::wrong_password);
  a.facts.retry_after = reply ? reply->value("retry_after", std::int64_t{0}) : 0;
  co_return co_await first_step_page(r, a, authd, result.empty() ? 503 : 200);
}

// A login that authd accepted: the session cookie, then the page first asked for — or first, when the account
// changed since the previous login, the list of changes for the user to check.
text_response logged_in(const portal_request& r, answer& a, const json& reply) {
  a.cookies.push_back(session_cookie_header(reply["session"].get<std::string>()));
  std::vector<account_change> changes;
  if (const auto list = reply.find("changes"); list != reply.end() && list->is_array())
    for (const auto& c : *list)
      if (c.is_object())
        changes.push_back({c.value("time", std::int64_t{0}), c.value("event", ""), c.value("source", "")});
  if (changes.empty()) return see_other(r, a, a.facts.return_path);
  a.facts.switchable = false;  // shown once, by this login's answer
  return html(r, a, 200, account_changes_page(a.facts, changes));
}

// The second factor, a code or a security key's answer: on success the session cookie and back to the page
// first asked for; otherwise the second step again (a new challenge), or the first when the login expired.
awaitable<text_response> second_step(const portal_request& r, const form_fields& form, answer& a,
                                     authd_channel& authd, bool security_key) {
  const auto pending = single_cookie(r.headers, pending_cookie_name);
  if (!pending || pending->empty()) {
    a.facts.message = notice::login_expired;
    co_return co_await first_step_page(r, a, authd, 200);
  }
  auto req = portal_request_json(r, security_key ? "webauthn.login.finish" : "login.second_factor");
  req["pending"] = *pending;
  req["open_session"] = true;
  if (security_key) {
    for (const char* name : {"handle", "credential_id", "client_data_json", "authenticator_data", "signature"})
      req[name] = field(form, name);
    if (const auto handle = field(form, "user_handle"); !handle.empty()) req["user_handle"] = handle;
  } else {
    req["code"] = field(form, "code");
  }
  const auto reply = co_await authd.call(req);
  const auto result = result_of(reply);
  if (result == "ok" && reply->contains("session") && (*reply)["session"].is_string()) {
    a.cookies.push_back(expired_cookie_header(pending_cookie_name));
    co_return logged_in(r, a, *reply);
  }
  a.facts.message = result.empty() ? notice::unavailable
                                   : notice_for(result, security_key ? notice::key_login_failed : notice::wrong_code);
  a.facts.retry_after = reply ? reply->value("retry_after", std::int64_t{0}) : 0;
  if (a.facts.message == notice::login_expired) {
    a.cookies.push_back(expired_cookie_header(pending_cookie_name));
    co_return co_await first_step_page(r, a, authd, 200);
  }
  if (result.empty()) co_return html(r, a, 503, code_page(a.facts));
  co_return co_await second_step_page(r, a, authd, *pending);
}

// A passkey alone (webauthn.passkey_login): on success the session and back to the page first asked for;
// otherwise the first step again, with a new challenge.
awaitable<text_response> passkey_step(const portal_request& r, const form_fields& form, answer& a,
                                      authd_channel& authd) {
  auto req = portal_request_json(r, "webauthn.passkey.finish");
  req["owner"] = a.facts.csrf;  // own_form checked it equals the cookie the challenge was bound to
  req["open_session"] = true;
  for (const char* name : {"handle", "credential_id", "client_data_json", "authenticator_data", "signature", "user_handle"})
    req[name] = field(form, name);
  const auto reply = co_await authd.call(req);
  const auto result = result_of(reply);
  if (result == "ok" && reply->contains("session") && (*reply)["session"].is_string()) co_return logged_in(r, a, *reply);
  a.facts.message = result.empty() ? notice::unavailable : notice_for(result, notice::key_login_failed);
  a.facts.retry_after = reply ? reply->value("retry_after", std::int64_t{0}) : 0;
  co_return co_await first_step_page(r, a, authd, result.empty() ? 503 : 200);
}

// Ends the session in authd at once (not only in this browser) and forgets it here.
awaitable<text_response> logout(const portal_request& r, answer& a, authd_channel& authd, session_cache& sessions) {
  if (auto id = session_cookie(r.headers)) {
    json req;
    req["op"] = "session.close";
    req["session"] = *id;
    co_await authd.call(req);
    sessions.forget(*id);
  }
  a.cookies.push_back(expired_cookie_header(session_cookie_name));
  a.facts.message = notice::logged_out;
  co_return html(r, a, 200, logged_out_page(a.facts));
}

}  // namespace

bool portal_reads_body(http::verb method) { return method == http::verb::post; }

awaitable<text_response> serve_portal(portal_request r, authd_channel& authd, session_cache& sessions) {
  const auto& path = r.target.path;
  const bool reading = r.method == http::verb::get || r.method == http::verb::head;
  if (path == health_path && reading) co_return co_await serve_health(r, authd);
  if (path == metrics_path && reading) co_return co_await serve_metrics(r, authd);
  if (path == webauthn_script_path && reading)
    co_return plain(r, http::status::ok, "text/javascript; charset=utf-8", std::string(webauthn_script()));
  if (path == "/.sekisho/account" || path.starts_with("/.sekisho/account/"))
    co_return co_await serve_account(r, authd, sessions);
  if (path == "/.sekisho/enroll" || path.starts_with("/.sekisho/enroll/")) co_return co_await serve_enroll(r, authd);
  if (path == "/.sekisho/break-glass") co_return co_await serve_break_glass(r, authd);
  if (path == approve_path || path.starts_with("/.sekisho/approve/")) co_return co_await serve_approve(r, authd, sessions);

  const bool login = path == "/.sekisho/login", code = path == "/.sekisho/login/code";
  const bool key = path == "/.sekisho/login/webauthn", leave = path == "/.sekisho/logout";
  const bool passkey = path == "/.sekisho/login/passkey" && r.passkey_login_offered;
  if (!login && !code && !key && !leave && !passkey) co_return error_page(404, r.version, r.keep_alive);
  if (reading) {
    auto a = start(r, nullptr);
    if (leave) co_return html(r, a, 200, logout_page(a.facts));
    co_return co_await first_step_page(r, a, authd, 200);
  }
  if (r.method != http::verb::post) co_return error_page(405, r.version, r.keep_alive);

  const auto form = parse_form(r.body.view());
  auto a = start(r, form ? &*form : nullptr);
  if (!form || !own_form(r, *form)) {
    a.facts.message = notice::form_expired;
    co_return co_await first_step_page(r, a, authd, 403);
  }
  if (leave) co_return co_await logout(r, a, authd, sessions);
  if (passkey) co_return co_await passkey_step(r, *form, a, authd);
  if (code || key) co_return co_await second_step(r, *form, a, authd, key);
  co_return co_await password_step(r, *form, a, authd);
}

}  // namespace sekisho::gateway
