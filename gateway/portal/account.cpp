#include "gateway/portal/account.hpp"

#include <ctime>

#include <boost/beast/http/verb.hpp>

#include "core/util/encoding.hpp"
#include "gateway/http/session_cookie.hpp"
#include "gateway/portal/account_page.hpp"
#include "gateway/portal/portal_exchange.hpp"

namespace sekisho::gateway {
namespace http = boost::beast::http;
namespace {

using nlohmann::json;

std::string day_of(const json& seconds) {
  if (!seconds.is_number_integer() || seconds.get<std::int64_t>() <= 0) return "";
  const auto t = static_cast<std::time_t>(seconds.get<std::int64_t>());
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::vector<key_summary> keys_of(const result<json>& reply) {
  std::vector<key_summary> keys;
  if (!reply || !reply->contains("credentials") || !(*reply)["credentials"].is_array()) return keys;
  for (const auto& c : (*reply)["credentials"])
    if (c.is_object())
      keys.push_back({c.value("id", ""), c.value("name", ""), day_of(c.value("created_at", json())),
                      day_of(c.value("last_used_at", json()))});
  return keys;
}

// The page: the user's keys, and a fresh registration challenge unless authd wants a new login first.
awaitable<text_response> account_view(const portal_request& r, answer& a, authd_channel& authd,
                                      const std::string& session, const std::string& user) {
  auto list = portal_request_json(r, "webauthn.credentials");
  list["session"] = session;
  const auto keys = keys_of(co_await authd.call(list));
  auto begin = portal_request_json(r, "webauthn.register.begin");
  begin["session"] = session;
  const auto reply = co_await authd.call(begin);
  const auto result = result_of(reply);
  if (result == "ok" && reply->contains("options")) {
    a.facts.webauthn_options = (*reply)["options"].dump();
    a.facts.webauthn_handle = reply->value("handle", "");
  } else if (a.facts.message == notice::none) {
    a.facts.message = result.empty() ? notice::unavailable : notice::reauthenticate;
  }
  co_return html(r, a, 200, account_page(a.facts, user, keys));
}

// Whether authd registered the new key; if not, the notice says why.
awaitable<bool> register_key(const portal_request& r, const form_fields& form, answer& a, authd_channel& authd,
                             const std::string& session) {
  auto req = portal_request_json(r, "webauthn.register.finish");
  req["session"] = session;
  for (const char* name : {"handle", "raw_id", "client_data_json", "attestation_object", "name"})
    req[name] = field(form, name);
  const auto reply = co_await authd.call(req);
  const auto result = result_of(reply);
  a.facts.message = result == "ok"   ? notice::none
                    : result.empty() ? notice::unavailable
                                     : notice_for(result, notice::key_refused);
  co_return result == "ok";
}

// Rename or remove one key: whether authd did it; if not, the notice says why.
awaitable<bool> change_key(const portal_request& r, const form_fields& form, answer& a, authd_channel& authd,
                           const std::string& session, bool remove) {
  auto req = portal_request_json(r, remove ? "webauthn.remove" : "webauthn.rename");
  req["session"] = session;
  req["id"] = field(form, "id");
  if (!remove) req["name"] = field(form, "name");
  const auto result = result_of(co_await authd.call(req));
  a.facts.message = result == "ok"          ? notice::none
                    : result.empty()        ? notice::unavailable
                    : result == "last_factor" ? notice::last_factor
                                            : notice_for(result, notice::key_refused);
  co_return result == "ok";
}

}  // namespace

awaitable<text_response> serve_account(const portal_request& r, authd_channel& authd, session_cache& sessions) {
  const auto form = r.method == http::verb::post ? parse_form(r.body) : std::nullopt;
  auto a = start(r, form ? &*form : nullptr);
  a.facts.self_path = "/.sekisho/account";
  const auto id = session_cookie(r.headers);
  // Not `id ? co_await … : nullptr`: GCC 12 mishandles a co_await inside ?: (the shared_ptr's count goes wrong).
  std::shared_ptr<const session_identity> who;
  if (id) who = co_await sessions.lookup(*id);
  if (!who) co_return see_other(r, a, "/.sekisho/login?rd=" + percent_encode("/.sekisho/account", "/"));

  const auto& path = r.target.path;
  const bool rename = path == "/.sekisho/account/webauthn/rename", remove = path == "/.sekisho/account/webauthn/remove";
  if (r.method == http::verb::post && (path == "/.sekisho/account/webauthn" || rename || remove)) {
    if (!form || !own_form(r, *form)) {
      a.facts.message = notice::form_expired;
    } else if (!rename && !remove && co_await register_key(r, *form, a, authd, *id)) {
      co_return see_other(r, a, "/.sekisho/account?added=1");
    } else if ((rename || remove) && co_await change_key(r, *form, a, authd, *id, remove)) {
      co_return see_other(r, a, "/.sekisho/account?changed=1");
    }
  } else if (r.method != http::verb::get && r.method != http::verb::head) {
    co_return error_page(405, r.version, r.keep_alive);
  } else if (r.target.path != "/.sekisho/account") {
    co_return error_page(404, r.version, r.keep_alive);
  } else if (query_value(r.target.query, "added") == "1") {
    a.facts.message = notice::key_added;
  } else if (query_value(r.target.query, "changed") == "1") {
    a.facts.message = notice::key_changed;
  }
  co_return co_await account_view(r, a, authd, *id, who->user);
}

}  // namespace sekisho::gateway
