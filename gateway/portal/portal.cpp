#include "gateway/portal/portal.hpp"

#include <boost/beast/http/field.hpp>

#include "core/util/encoding.hpp"
#include "core/util/random.hpp"
#include "core/util/secret.hpp"
#include "gateway/http/session_cookie.hpp"
#include "gateway/portal/form.hpp"
#include "gateway/portal/language.hpp"
#include "gateway/portal/pages.hpp"
#include "gateway/portal/portal_cookies.hpp"
#include "gateway/portal/return_path.hpp"

namespace sekisho::gateway {
namespace http = boost::beast::http;
namespace {

using nlohmann::json;

constexpr long pending_max_age = 300;  // authd forgets a half-done login after 5 minutes too
constexpr std::size_t csrf_token_bytes = 32;

// One portal answer being built: the page facts every page needs, and the cookies to set.
struct answer {
  page_facts facts;
  std::vector<std::string> cookies;
};

std::string header(const portal_request& r, http::field f) { return std::string(r.headers[f]); }

// The form token: the browser's csrf cookie when it has a well-formed one, else a new one set now. A POST
// must echo it (double submit; __Host- keeps other subdomains from planting their own).
std::string csrf_token(const portal_request& r, answer& a) {
  if (auto t = single_cookie(r.headers, csrf_cookie_name); t && t->size() >= 40 && t->size() <= 64) return *t;
  auto t = random_token(csrf_token_bytes);
  a.cookies.push_back(strict_cookie_header(csrf_cookie_name, t, 0));
  return t;
}

// A POST is the user's own when it comes from this very origin and echoes the form token.
bool own_form(const portal_request& r, const form_fields& form) {
  const std::string origin = "https://" + std::string(r.host);
  const auto sent_origin = header(r, http::field::origin);
  if (sent_origin.empty()) {
    const auto referer = header(r, http::field::referer);
    if (!referer.starts_with(origin + "/")) return false;  // neither: refused (fail closed)
  } else if (sent_origin != origin) {
    return false;
  }
  const auto cookie = single_cookie(r.headers, csrf_cookie_name);
  const auto it = form.find("csrf");
  return cookie && it != form.end() && !cookie->empty() && equal_constant_time(*cookie, it->second);
}

answer start(const portal_request& r, const form_fields* form) {
  answer a;
  const auto chosen = query_value(r.target.query, "lang");
  const auto remembered = single_cookie(r.headers, language_cookie_name).value_or("");
  a.facts.lang = choose_language(chosen.empty() ? remembered : chosen, header(r, http::field::accept_language));
  if (chosen == "ja" || chosen == "en") a.cookies.push_back(language_cookie_header(chosen));
  a.facts.csrf = csrf_token(r, a);
  std::string rd = query_value(r.target.query, "rd");
  if (form != nullptr)
    if (const auto it = form->find("rd"); it != form->end()) rd = it->second;
  a.facts.return_path = safe_return_path(rd);
  a.facts.self_path = r.target.path + "?rd=" + percent_encode(a.facts.return_path, "/");
  return a;
}

text_response html(const portal_request& r, answer& a, unsigned status, std::string body) {
  text_response res{static_cast<http::status>(status), r.version};
  res.set(http::field::content_type, "text/html; charset=utf-8");
  add_own_page_headers(res);
  for (const auto& c : a.cookies) res.insert(http::field::set_cookie, c);
  res.body() = std::move(body);
  res.keep_alive(r.keep_alive);
  res.prepare_payload();
  return res;
}

text_response see_other(const portal_request& r, answer& a, const std::string& location) {
  auto res = redirect_to(location, 303, r.version, r.keep_alive);
  for (const auto& c : a.cookies) res.insert(http::field::set_cookie, c);
  return res;
}

// authd's verdict on a login step as the notice the user sees.
notice notice_for(const std::string& result, notice wrong) {
  if (result == "throttled") return notice::throttled;
  if (result == "locked") return notice::locked;
  if (result == "disabled") return notice::disabled;
  if (result == "not_enrolled") return notice::not_enrolled;
  if (result == "expired") return notice::login_expired;
  return wrong;
}

std::string field(const form_fields& form, const char* name) {
  const auto it = form.find(name);
  return it == form.end() ? std::string() : it->second;
}

json login_request(const portal_request& r, const char* op) {
  json req;
  req["op"] = op;
  req["channel"] = "web";
  req["source"] = r.source;
  req["service"] = "portal";
  req["host"] = std::string(r.host);
  return req;
}

// The reply's "result" when authd answered at all; "" when it did not (unreachable, refused, malformed).
std::string result_of(const result<json>& reply) {
  if (!reply || !reply->is_object() || reply->value("ok", false) != true) return "";
  return reply->value("result", "");
}

awaitable<text_response> password_step(const portal_request& r, const form_fields& form, answer& a,
                                       authd_channel& authd) {
  auto req = login_request(r, "login.password");
  req["user"] = field(form, "username");
  req["password"] = field(form, "password");
  const auto reply = co_await authd.call(req);
  wipe_memory(req["password"].get_ref<std::string&>().data(), req["password"].get_ref<std::string&>().size());
  const auto result = result_of(reply);
  if (result == "ok") {
    a.cookies.push_back(strict_cookie_header(pending_cookie_name, (*reply)["pending"].get<std::string>(), pending_max_age));
    co_return html(r, a, 200, code_page(a.facts));
  }
  a.facts.message = result.empty() ? notice::unavailable : notice_for(result, notice::wrong_password);
  a.facts.retry_after = reply ? reply->value("retry_after", std::int64_t{0}) : 0;
  co_return html(r, a, result.empty() ? 503 : 200, password_page(a.facts));
}

awaitable<text_response> code_step(const portal_request& r, const form_fields& form, answer& a,
                                   authd_channel& authd) {
  const auto pending = single_cookie(r.headers, pending_cookie_name);
  if (!pending || pending->empty()) {
    a.facts.message = notice::login_expired;
    co_return html(r, a, 200, password_page(a.facts));
  }
  auto req = login_request(r, "login.second_factor");
  req["pending"] = *pending;
  req["code"] = field(form, "code");
  req["open_session"] = true;
  const auto reply = co_await authd.call(req);
  const auto result = result_of(reply);
  if (result == "ok" && reply->contains("session") && (*reply)["session"].is_string()) {
    a.cookies.push_back(expired_cookie_header(pending_cookie_name));
    a.cookies.push_back(session_cookie_header((*reply)["session"].get<std::string>()));
    co_return see_other(r, a, a.facts.return_path);
  }
  a.facts.message = result.empty() ? notice::unavailable : notice_for(result, notice::wrong_code);
  a.facts.retry_after = reply ? reply->value("retry_after", std::int64_t{0}) : 0;
  if (a.facts.message == notice::login_expired) {
    a.cookies.push_back(expired_cookie_header(pending_cookie_name));
    co_return html(r, a, 200, password_page(a.facts));
  }
  co_return html(r, a, result.empty() ? 503 : 200, code_page(a.facts));
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

awaitable<text_response> health(const portal_request& r, authd_channel& authd) {
  json ping;
  ping["op"] = "ping";
  const auto reply = co_await authd.call(ping);
  const bool up = reply && reply->value("ok", false);
  text_response res{up ? http::status::ok : http::status::service_unavailable, r.version};
  res.set(http::field::content_type, "text/plain; charset=utf-8");
  add_own_page_headers(res);
  res.body() = up ? "ok\n" : "authd unreachable\n";
  res.keep_alive(r.keep_alive);
  res.prepare_payload();
  co_return res;
}

}  // namespace

bool portal_reads_body(http::verb method) { return method == http::verb::post; }

awaitable<text_response> serve_portal(portal_request r, authd_channel& authd, session_cache& sessions) {
  const auto& path = r.target.path;
  const bool reading = r.method == http::verb::get || r.method == http::verb::head;
  if (path == "/.sekisho/health" && reading) co_return co_await health(r, authd);

  const bool login = path == "/.sekisho/login", code = path == "/.sekisho/login/code";
  const bool leave = path == "/.sekisho/logout";
  if (!login && !code && !leave) co_return error_page(404, r.version, r.keep_alive);
  if (reading) {
    auto a = start(r, nullptr);
    co_return html(r, a, 200, leave ? logout_page(a.facts) : password_page(a.facts));
  }
  if (r.method != http::verb::post) co_return error_page(405, r.version, r.keep_alive);

  const auto form = parse_form(r.body);
  auto a = start(r, form ? &*form : nullptr);
  if (!form || !own_form(r, *form)) {
    a.facts.message = notice::form_expired;
    co_return html(r, a, 403, password_page(a.facts));
  }
  if (leave) co_return co_await logout(r, a, authd, sessions);
  if (code) co_return co_await code_step(r, *form, a, authd);
  co_return co_await password_step(r, *form, a, authd);
}

}  // namespace sekisho::gateway
