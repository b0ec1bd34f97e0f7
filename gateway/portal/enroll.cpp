#include "gateway/portal/enroll.hpp"

#include <algorithm>
#include <ctime>

#include <boost/beast/http/verb.hpp>

#include "core/util/secret.hpp"
#include "core/util/strict_json.hpp"
#include "gateway/http/session_cookie.hpp"
#include "gateway/portal/enroll_pages.hpp"
#include "gateway/portal/portal_cookies.hpp"
#include "gateway/portal/portal_exchange.hpp"

namespace sekisho::gateway {
namespace http = boost::beast::http;
namespace {

using nlohmann::json;

constexpr const char* enroll_path = "/.sekisho/enroll";
constexpr const char* app_path = "/.sekisho/enroll/app";

// A token as `sekisho user add` prints it (32 random bytes, base64url). Anything else is refused before
// authd is asked, and can never reach a Set-Cookie line.
bool plausible_token(std::string_view t) {
  if (t.size() < 40 || t.size() > 64) return false;
  for (char c : t)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
      return false;
  return true;
}

json token_request(const portal_request& r, const char* op, std::string_view token) {
  auto req = portal_request_json(r, op);
  req["token"] = token;
  return req;
}

text_response link_refused(const portal_request& r, answer& a, bool authd_answered) {
  a.cookies.push_back(expired_cookie_header(enroll_cookie_name));
  a.facts.message = authd_answered ? notice::link_expired : notice::unavailable;
  return html(r, a, authd_answered ? 410 : 503, enroll_expired_page(a.facts));
}

// Where the link stands: the password step, or the choice of second factor with a fresh key challenge.
awaitable<text_response> current_step(const portal_request& r, answer& a, authd_channel& authd,
                                      std::string_view token) {
  const auto reply = co_await authd.call(token_request(r, "enroll.open", token));
  const auto result = result_of(reply);
  if (result != "ok") co_return link_refused(r, a, !result.empty());
  const auto user = reply->value("user", "");
  if (!reply->value("password_set", false)) co_return html(r, a, 200, enroll_password_page(a.facts, user));
  const auto key = co_await authd.call(token_request(r, "enroll.webauthn.begin", token));
  if (result_of(key) == "ok" && key->contains("options")) {
    a.facts.webauthn_options = (*key)["options"].dump();
    a.facts.webauthn_handle = key->value("handle", "");
  }
  co_return html(r, a, 200, enroll_factor_page(a.facts, user));
}

// Opening the link: its token moves into a cookie that lasts as long as the link, and off the address bar.
awaitable<text_response> open_link(const portal_request& r, answer& a, authd_channel& authd, std::string_view token) {
  if (!plausible_token(token)) co_return link_refused(r, a, true);
  const auto reply = co_await authd.call(token_request(r, "enroll.open", token));
  const auto result = result_of(reply);
  if (result != "ok") co_return link_refused(r, a, !result.empty());
  const long left = static_cast<long>(reply->value("expires_at", std::int64_t{0}) - std::time(nullptr));
  a.cookies.push_back(lax_cookie_header(enroll_cookie_name, token, std::max(left, 1L)));
  co_return see_other(r, a, enroll_path);
}

awaitable<text_response> password_step(const portal_request& r, const form_fields& form, answer& a,
                                       authd_channel& authd, std::string_view token) {
  secret password(field(form, "password"));
  if (!equal_constant_time(password.view(), field(form, "confirm"))) {
    a.facts.message = notice::passwords_differ;
    co_return co_await current_step(r, a, authd, token);
  }
  auto req = token_request(r, "enroll.password", token);
  req["password"] = std::string(password.view());
  const auto reply = co_await authd.call(req);
  wipe_json(req);  // the password
  const auto result = result_of(reply);
  if (result == "ok") co_return see_other(r, a, enroll_path);
  if (result == "refused") {
    a.facts.message = notice::password_refused;
    a.facts.detail = reply->value(a.facts.lang == language::en ? "reason_en" : "reason_ja", "");
  }
  co_return co_await current_step(r, a, authd, token);
}

// The end of enrollment: the link is spent, the session opened, and the recovery codes shown this once.
text_response finished(const portal_request& r, answer& a, const json& reply) {
  a.facts.switchable = false;  // switching language would reload the page, and the codes are gone then
  a.facts.message = notice::enrolled;
  a.cookies.push_back(expired_cookie_header(enroll_cookie_name));
  if (const auto s = reply.find("session"); s != reply.end() && s->is_string())
    a.cookies.push_back(session_cookie_header(s->get<std::string>()));
  std::vector<std::string> codes;
  if (const auto c = reply.find("recovery_codes"); c != reply.end() && c->is_array())
    for (const auto& code : *c)
      if (code.is_string()) codes.push_back(code.get<std::string>());
  return html(r, a, 200, recovery_codes_page(a.facts, reply.value("user", ""), codes));
}

awaitable<text_response> app_page(const portal_request& r, answer& a, authd_channel& authd, std::string_view token) {
  const auto reply = co_await authd.call(token_request(r, "enroll.app.begin", token));
  const auto result = result_of(reply);
  if (result.empty()) co_return link_refused(r, a, false);
  // No app before the password is set: the link's current step says what comes first (or that it is spent).
  if (result != "ok") co_return co_await current_step(r, a, authd, token);
  co_return html(r, a, 200, enroll_app_page(a.facts, app_path, enroll_path, reply->value("qr_svg", ""),
                                            reply->value("key", "")));
}

// The app's first code, or the new key's answer: the last step when authd accepts it.
awaitable<text_response> factor_step(const portal_request& r, const form_fields& form, answer& a, authd_channel& authd,
                                     std::string_view token, bool security_key) {
  auto req = token_request(r, security_key ? "enroll.webauthn.finish" : "enroll.app.finish", token);
  req["open_session"] = true;
  if (security_key) {
    for (const char* name : {"handle", "raw_id", "client_data_json", "attestation_object", "name"})
      req[name] = field(form, name);
  } else {
    req["code"] = field(form, "code");
  }
  const auto reply = co_await authd.call(req);
  const auto result = result_of(reply);
  if (result == "ok") co_return finished(r, a, *reply);
  if (result.empty()) a.facts.message = notice::unavailable;
  else if (result == "refused") a.facts.message = security_key ? notice::key_refused : notice::wrong_code;
  else a.facts.message = notice::form_expired;  // the key's challenge ran out; the link may still be good
  if (!security_key && result == "refused") co_return co_await app_page(r, a, authd, token);
  co_return co_await current_step(r, a, authd, token);
}

}  // namespace

awaitable<text_response> serve_enroll(const portal_request& r, authd_channel& authd) {
  const auto& path = r.target.path;
  const bool reading = r.method == http::verb::get || r.method == http::verb::head;
  const auto form = r.method == http::verb::post ? parse_form(r.body.view()) : std::nullopt;
  auto a = start(r, form ? &*form : nullptr);
  a.facts.self_path = path == app_path ? app_path : enroll_path;  // the pages a GET shows again
  if (reading && path == enroll_path)
    if (const auto t = query_value(r.target.query, "t"); !t.empty()) co_return co_await open_link(r, a, authd, t);

  const auto token = single_cookie(r.headers, enroll_cookie_name);
  if (!token || !plausible_token(*token)) co_return link_refused(r, a, true);
  if (reading && path == enroll_path) co_return co_await current_step(r, a, authd, *token);
  if (reading && path == app_path) co_return co_await app_page(r, a, authd, *token);
  if (reading) co_return error_page(404, r.version, r.keep_alive);
  if (r.method != http::verb::post) co_return error_page(405, r.version, r.keep_alive);
  if (!form || !own_form(r, *form)) {
    a.facts.message = notice::form_expired;
    co_return co_await current_step(r, a, authd, *token);
  }
  if (path == "/.sekisho/enroll/password") co_return co_await password_step(r, *form, a, authd, *token);
  if (path == app_path || path == "/.sekisho/enroll/key")
    co_return co_await factor_step(r, *form, a, authd, *token, path != app_path);
  co_return error_page(404, r.version, r.keep_alive);
}

}  // namespace sekisho::gateway
