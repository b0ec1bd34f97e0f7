#include "gateway/portal/portal_exchange.hpp"

#include <boost/beast/http/field.hpp>

#include "core/util/encoding.hpp"
#include "core/util/random.hpp"
#include "core/util/secret.hpp"
#include "gateway/http/session_cookie.hpp"
#include "gateway/portal/language.hpp"
#include "gateway/portal/portal_cookies.hpp"
#include "gateway/portal/return_path.hpp"

namespace sekisho::gateway {
namespace http = boost::beast::http;
namespace {

using nlohmann::json;

constexpr std::size_t csrf_token_bytes = 32;

std::string header(const portal_request& r, http::field f) { return std::string(r.headers[f]); }

// The form token: the browser's csrf cookie when it has a well-formed one, else a new one set now. A POST
// must echo it (double submit; __Host- keeps other subdomains from planting their own).
std::string csrf_token(const portal_request& r, answer& a) {
  if (auto t = single_cookie(r.headers, csrf_cookie_name); t && t->size() >= 40 && t->size() <= 64) return std::string(*t);
  auto t = random_token(csrf_token_bytes);
  a.cookies.push_back(strict_cookie_header(csrf_cookie_name, t, 0));
  return t;
}

}  // namespace

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
  a.facts.break_glass_offered = r.break_glass_offered;
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
  // The one script is the portal's own file; forms post only here.
  res.set("Content-Security-Policy",
          "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; form-action 'self'; base-uri 'none'; "
          "frame-ancestors 'none'");
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

text_response plain(const portal_request& r, http::status status, std::string_view type, std::string body) {
  text_response res{status, r.version};
  res.set(http::field::content_type, type);
  add_own_page_headers(res);
  res.body() = std::move(body);
  res.keep_alive(r.keep_alive);
  res.prepare_payload();
  return res;
}

notice notice_for(const std::string& result, notice otherwise) {
  if (result == "throttled") return notice::throttled;
  if (result == "locked") return notice::locked;
  if (result == "disabled") return notice::disabled;
  if (result == "not_enrolled") return notice::not_enrolled;
  if (result == "expired") return notice::login_expired;
  if (result == "reauthenticate") return notice::reauthenticate;
  return otherwise;
}

std::string field(const form_fields& form, const char* name) {
  const auto it = form.find(name);
  return it == form.end() ? std::string() : it->second;
}

json portal_request_json(const portal_request& r, const char* op) {
  json req;
  req["op"] = op;
  req["channel"] = "web";
  req["source"] = r.source;
  req["service"] = "portal";
  req["host"] = std::string(r.host);
  return req;
}

std::string result_of(const result<json>& reply) {
  if (!reply || !reply->is_object()) return "";
  // A field authd will not take (a user name over 256 bytes, say) is the user's input, not a fault of authd:
  // the page refuses it as it refuses any wrong input, rather than saying the login service is down.
  if (reply->value("ok", false) != true)
    return reply->value("error", "") == "bad_request" ? "bad_request" : "";
  return reply->value("result", "");
}

}  // namespace sekisho::gateway
