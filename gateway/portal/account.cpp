#include "gateway/portal/account.hpp"

#include <algorithm>
#include <ctime>
#include <iterator>
#include <optional>

#include <boost/beast/http/verb.hpp>

#include "core/util/encoding.hpp"
#include "core/util/local_time.hpp"
#include "core/util/secret.hpp"
#include "core/util/strict_json.hpp"
#include "gateway/http/session_cookie.hpp"
#include "gateway/portal/account_page.hpp"
#include "gateway/portal/enroll_pages.hpp"
#include "gateway/portal/portal_exchange.hpp"

namespace sekisho::gateway {
namespace http = boost::beast::http;
namespace {

using nlohmann::json;

constexpr const char* app_path = "/.sekisho/account/app";

// One request to the account page by a logged-in user: what every step below needs.
struct account_call {
  const portal_request& r;
  answer& a;
  authd_channel& authd;
  std::string_view session;
  const std::string& user;
};

json account_request(const account_call& c, const char* op) {
  auto req = portal_request_json(c.r, op);
  req["session"] = c.session;
  return req;
}

// Fields of authd's replies, read without trusting their types.
std::string text_in(const json& j, const char* name) {
  const auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}
std::int64_t number_in(const json& j, const char* name) {
  const auto it = j.find(name);
  return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}
bool flag_in(const json& j, const char* name) {
  const auto it = j.find(name);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}
const json& list_in(const json& j, const char* name) {
  static const json none = json::array();
  const auto it = j.find(name);
  return it != j.end() && it->is_array() ? *it : none;
}

// Seconds since the epoch as local time, YYYY-MM-DD HH:MM; "" for none.
std::string minute_of(const json& j, const char* name) {
  const auto seconds = number_in(j, name);
  return seconds <= 0 ? "" : local_minute(seconds);
}
std::string day_of(const json& j, const char* name) { return minute_of(j, name).substr(0, 10); }

std::vector<key_summary> keys_of(const result<json>& reply) {
  std::vector<key_summary> keys;
  if (!reply) return keys;
  for (const auto& c : list_in(*reply, "credentials"))
    keys.push_back({text_in(c, "id"), text_in(c, "name"), day_of(c, "created_at"), day_of(c, "last_used_at")});
  return keys;
}

account_summary summary_of(const result<json>& reply) {
  account_summary s;
  if (result_of(reply) != "ok") return s;
  const auto& j = *reply;
  s.known = true;
  s.display_name = text_in(j, "display_name");
  s.apps = static_cast<int>(number_in(j, "apps"));
  for (const auto& a : list_in(j, "app_list")) s.app_list.push_back({text_in(a, "id"), text_in(a, "label")});
  s.recovery_codes_left = static_cast<int>(number_in(j, "recovery_codes_left"));
  s.fresh = flag_in(j, "fresh");
  for (const auto& e : list_in(j, "sessions"))
    s.sessions.push_back({minute_of(e, "created_at"), minute_of(e, "last_seen_at"), text_in(e, "source"),
                          text_in(e, "method"), flag_in(e, "current")});
  // This device first, then the others as authd lists them.
  std::stable_partition(s.sessions.begin(), s.sessions.end(), [](const auto& x) { return x.current; });
  for (const auto& e : list_in(j, "recent"))
    s.recent.push_back({minute_of(e, "time"), text_in(e, "result") == "success", text_in(e, "method"),
                        text_in(e, "source"), text_in(e, "channel")});
  return s;
}

text_response to_login(const portal_request& r, answer& a) {
  return see_other(r, a, "/.sekisho/login?rd=" + percent_encode(account_path, "/"));
}

// The page: the account's state from authd, the keys, and a fresh key challenge unless a new login is due.
awaitable<text_response> account_view(const account_call& c, unsigned status = 200) {
  const auto overview = co_await c.authd.call(account_request(c, "account.overview"));
  if (overview && text_in(*overview, "error") == "no_session") co_return to_login(c.r, c.a);  // ended since cached
  const auto account = summary_of(overview);
  const auto keys = keys_of(co_await c.authd.call(account_request(c, "webauthn.credentials")));
  const auto begin = co_await c.authd.call(account_request(c, "webauthn.register.begin"));
  if (result_of(begin) == "ok" && begin->contains("options")) {
    c.a.facts.webauthn_options = (*begin)["options"].dump();
    c.a.facts.webauthn_handle = text_in(*begin, "handle");
  }
  if ((!account.known || result_of(begin).empty()) && c.a.facts.message == notice::none)
    c.a.facts.message = notice::unavailable;
  co_return html(c.r, c.a, status, account_page(c.a.facts, c.user, keys, account));
}

// authd's answer to a change as the notice shown after it: none when the change was made.
notice notice_after(const std::string& result, notice refused) {
  if (result == "ok") return notice::none;
  return result.empty() ? notice::unavailable : notice_for(result, refused);
}

// The changes below: whether authd made it; if not, a.facts.message says why.
awaitable<bool> register_key(const account_call& c, const form_fields& form) {
  auto req = account_request(c, "webauthn.register.finish");
  for (const char* name : {"handle", "raw_id", "client_data_json", "attestation_object", "name"})
    req[name] = field(form, name);
  const auto result = result_of(co_await c.authd.call(req));
  c.a.facts.message = notice_after(result, notice::key_refused);
  co_return result == "ok";
}

// Rename or remove a key or an app (authd's `op`): whether authd did it; if not, the notice says why.
awaitable<bool> change_factor(const account_call& c, const form_fields& form, const char* op, bool remove) {
  auto req = account_request(c, op);
  req["id"] = field(form, "id");
  if (!remove) req["name"] = field(form, "name");
  const auto result = result_of(co_await c.authd.call(req));
  c.a.facts.message = result == "last_factor" ? notice::last_factor : notice_after(result, notice::key_refused);
  co_return result == "ok";
}
awaitable<bool> rename_key(const account_call& c, const form_fields& form) {
  return change_factor(c, form, "webauthn.rename", false);
}
awaitable<bool> remove_key(const account_call& c, const form_fields& form) {
  return change_factor(c, form, "webauthn.remove", true);
}
awaitable<bool> rename_app(const account_call& c, const form_fields& form) {
  return change_factor(c, form, "account.app.rename", false);
}
awaitable<bool> remove_app(const account_call& c, const form_fields& form) {
  return change_factor(c, form, "account.app.remove", true);
}

awaitable<bool> change_password(const account_call& c, const form_fields& form) {
  const auto it = form.find("new_password");
  if (it == form.end() || !equal_constant_time(it->second, field(form, "confirm"))) {
    c.a.facts.message = notice::passwords_differ;
    co_return false;
  }
  auto req = account_request(c, "account.password");
  req["current_password"] = field(form, "current_password");
  req["new_password"] = it->second;
  const auto reply = co_await c.authd.call(req);
  wipe_json(req);  // both passwords
  const auto result = result_of(reply);
  if (result == "refused")
    c.a.facts.detail = text_in(*reply, c.a.facts.lang == language::en ? "reason_en" : "reason_ja");
  c.a.facts.message = result == "wrong_password" ? notice::wrong_current_password
                                                 : notice_after(result, notice::password_refused);
  c.a.facts.retry_after = reply ? number_in(*reply, "retry_after") : 0;
  co_return result == "ok";
}

// authd's reply when it answered "ok"; otherwise nothing, and a.facts.message says why.
awaitable<std::optional<json>> ok_reply(const account_call& c, const char* op) {
  auto reply = co_await c.authd.call(account_request(c, op));
  const auto result = result_of(reply);
  if (result == "ok") co_return std::move(*reply);
  c.a.facts.message = notice_after(result, notice::unavailable);
  co_return std::nullopt;
}

awaitable<bool> end_other_sessions(const account_call& c, const form_fields&) {
  co_return (co_await ok_reply(c, "account.sessions.end_others")).has_value();
}

// What the account page says after a change, by its query (?added=1 and ?changed=1 are the security keys',
// from before the rest).
struct done_notice {
  const char* query;
  notice shown;
};
constexpr done_notice done_notices[] = {
    {"added=1", notice::key_added},           {"changed=1", notice::key_changed},
    {"done=password", notice::password_changed}, {"done=app", notice::app_added},
    {"done=sessions", notice::others_logged_out}, {"must_change=1", notice::must_change_password},
};

notice notice_for_query(std::string_view query) {
  for (const auto& d : done_notices) {
    const std::string_view q = d.query;
    const auto eq = q.find('=');
    if (query_value(query, q.substr(0, eq)) == q.substr(eq + 1)) return d.shown;
  }
  return notice::none;
}

// The posts that change something, then show the account page again with one of the notices above.
struct change_route {
  const char* path;
  awaitable<bool> (*make)(const account_call&, const form_fields&);
  const char* done_query;
};
constexpr change_route changes[] = {
    {"/.sekisho/account/webauthn", register_key, "added=1"},
    {"/.sekisho/account/webauthn/rename", rename_key, "changed=1"},
    {"/.sekisho/account/webauthn/remove", remove_key, "changed=1"},
    {"/.sekisho/account/app/rename", rename_app, "changed=1"},
    {"/.sekisho/account/app/remove", remove_app, "changed=1"},
    {"/.sekisho/account/password", change_password, "done=password"},
    {"/.sekisho/account/sessions/end-others", end_other_sessions, "done=sessions"},
};

// Ten new recovery codes, shown this once; the old ones stopped working.
awaitable<text_response> renew_recovery_codes(const account_call& c) {
  const auto reply = co_await ok_reply(c, "account.recovery_codes");
  if (!reply) co_return co_await account_view(c);
  std::vector<std::string> codes;
  for (const auto& code : list_in(*reply, "recovery_codes"))
    if (code.is_string()) codes.push_back(code.get<std::string>());
  c.a.facts.switchable = false;  // switching language would reload the page, and the codes are gone then
  c.a.facts.message = notice::recovery_codes_renewed;
  c.a.facts.return_path = account_path;
  co_return html(c.r, c.a, 200, recovery_codes_page(c.a.facts, c.user, codes));
}

// Another authenticator app: the enrollment's page with its QR code (authd offers the same one until it is
// confirmed, so a reload or a wrong code keeps what the phone scanned).
awaitable<text_response> offer_app(const account_call& c) {
  const auto reply = co_await ok_reply(c, "account.app.begin");
  if (!reply) co_return co_await account_view(c);
  c.a.facts.self_path = app_path;
  co_return html(c.r, c.a, 200,
                 enroll_app_page(c.a.facts, app_path, account_path, text_in(*reply, "qr_svg"), text_in(*reply, "key")));
}

awaitable<text_response> add_app(const account_call& c, const form_fields& form) {
  auto req = account_request(c, "account.app.finish");
  req["code"] = field(form, "code");
  const auto reply = co_await c.authd.call(req);
  const auto result = result_of(reply);
  if (result == "ok") co_return see_other(c.r, c.a, std::string(account_path) + "?done=app");
  if (result != "refused") {
    c.a.facts.message = notice_after(result, notice::unavailable);
    co_return co_await account_view(c);
  }
  // A wrong code, or no app on offer any more (a new one is offered now).
  c.a.facts.message = text_in(*reply, "reason") == "wrong_code" ? notice::wrong_code : notice::form_expired;
  co_return co_await offer_app(c);
}

}  // namespace

awaitable<text_response> serve_account(const portal_request& r, authd_channel& authd, session_cache& sessions) {
  const auto form = r.method == http::verb::post ? parse_form(r.body.view()) : std::nullopt;
  auto a = start(r, form ? &*form : nullptr);
  a.facts.self_path = account_path;
  const auto id = session_cookie(r.headers);
  // Not `id ? co_await … : nullptr`: GCC 12 mishandles a co_await inside ?: (the shared_ptr's count goes wrong).
  std::shared_ptr<const session_identity> who;
  if (id) who = co_await sessions.lookup(std::string(*id));
  if (!who) co_return to_login(r, a);
  const account_call c{r, a, authd, *id, who->user};

  const auto& path = r.target.path;
  const bool reading = r.method == http::verb::get || r.method == http::verb::head;
  if (reading && path == app_path) co_return co_await offer_app(c);
  if (reading && path == account_path) {
    a.facts.message = notice_for_query(r.target.query);
    co_return co_await account_view(c);
  }
  const auto route =
      std::find_if(std::begin(changes), std::end(changes), [&](const change_route& x) { return x.path == path; });
  const bool renew = path == "/.sekisho/account/recovery", app = path == app_path;
  if (route == std::end(changes) && !renew && !app) co_return error_page(404, r.version, r.keep_alive);
  if (r.method != http::verb::post) co_return error_page(405, r.version, r.keep_alive);
  if (!form || !own_form(r, *form)) {
    a.facts.message = notice::form_expired;
    co_return co_await account_view(c, 403);
  }
  if (renew) co_return co_await renew_recovery_codes(c);
  if (app) co_return co_await add_app(c, *form);
  if (co_await route->make(c, *form)) co_return see_other(r, a, std::string(account_path) + "?" + route->done_query);
  co_return co_await account_view(c);
}

}  // namespace sekisho::gateway
