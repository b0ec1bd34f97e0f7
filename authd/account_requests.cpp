#include "authd/account_requests.hpp"

#include <algorithm>

#include "authd/enrollment_requests.hpp"
#include "authd/request_fields.hpp"
#include "core/store/audit_store.hpp"
#include "core/store/factor_store.hpp"
#include "core/util/secret.hpp"
#include "core/util/utf8.hpp"

namespace sekisho::authd {
namespace {

using nlohmann::json;

constexpr int recent_login_count = 10;


// The request's session, when it is live (and, for a change, fresh); otherwise the reply to send instead.
struct caller_session {
  std::optional<session::session_info> info;
  json refusal;
};
caller_session session_of(const account_services& svc, const request_fields& f, bool change) {
  caller_session c;
  c.info = svc.sessions.check(f["session"]);
  if (!c.info) c.refusal = no_session_reply();
  else if (change && !session::recently_authenticated(*c.info, svc.now())) c.refusal = result_reply("reauthenticate");
  if (!c.refusal.is_null()) c.info.reset();
  return c;
}

login::context web_context(const request_fields& f) {
  auto ctx = context_of(f);
  if (ctx.channel.empty()) ctx.channel = "web";
  return ctx;
}

json overview(const account_services& svc, const json& req) {
  request_fields f;
  if (auto bad = read_login_request(req, {{"session", 128}}, f, false)) return bad_field(bad);
  auto s = session_of(svc, f, false);
  if (!s.info) return s.refusal;
  json sessions = json::array();
  for (const auto& x : svc.sessions.live_for(s.info->user_id, f["session"]))
    sessions.push_back({{"tag", x.tag}, {"method", x.method}, {"source", x.source}, {"created_at", x.created_at},
                        {"last_seen_at", x.last_seen_at}, {"current", x.current}});
  json recent = json::array();
  json app_list = json::array();
  int codes_left = 0;
  {
    auto db = svc.pool.acquire();
    for (const auto& r : store::recent_logins(*db, s.info->user, recent_login_count))
      recent.push_back({{"time", r.time}, {"event", r.event}, {"result", r.result == "success" ? "success" : "failure"},
                        {"source", r.source}, {"channel", r.channel}, {"method", r.method}});
    for (const auto& a : store::totp_for_user(*db, s.info->user_id, true))
      app_list.push_back({{"id", std::to_string(a.id)}, {"label", a.label}});
    codes_left = static_cast<int>(store::unused_recovery_codes(*db, s.info->user_id).size());
  }
  const auto apps = app_list.size();
  json r = result_reply("ok");
  r["user"] = s.info->user;
  r["display_name"] = s.info->display_name;
  r["apps"] = apps;
  r["app_list"] = std::move(app_list);
  r["recovery_codes_left"] = codes_left;
  r["fresh"] = session::recently_authenticated(*s.info, svc.now());
  r["sessions"] = std::move(sessions);
  r["recent"] = std::move(recent);
  return r;
}

// A new password: the current one first (a workstation left logged in must not be enough), then the profile.
// Other sessions end: whoever knew the old password may hold one.
json change_password(const account_services& svc, const json& req) {
  request_fields f;
  if (auto bad = read_login_request(req, {{"session", 128}, {"current_password", 1024}, {"new_password", 1024}}, f,
                                    false))
    return bad_field(bad);
  auto s = session_of(svc, f, true);
  if (!s.info) return s.refusal;
  const auto ctx = web_context(f);
  const auto current = svc.auth.check_password(s.info->user, secret(f["current_password"]), ctx);
  if (current.result == login::status::throttled || current.result == login::status::locked)
    return status_reply(current.result, current.retry_after);
  if (current.result != login::status::ok) return result_reply("wrong_password");
  const auto verdict = svc.enroller.change_password(s.info->user_id, s.info->user, secret(f["new_password"]), ctx);
  if (!verdict.ok)
    return policy_refused_reply(verdict);
  svc.sessions.close_others(s.info->user_id, f["session"]);
  return result_reply("ok");
}

json end_other_sessions(const account_services& svc, const json& req) {
  request_fields f;
  if (auto bad = read_login_request(req, {{"session", 128}}, f, false)) return bad_field(bad);
  auto s = session_of(svc, f, false);
  if (!s.info) return s.refusal;
  const int ended = svc.sessions.close_others(s.info->user_id, f["session"]);
  auto db = svc.pool.acquire();
  svc.auth.audit(*db, "session.end_others", s.info->user, web_context(f), "", "success", "user_request",
                 {{"ended", std::to_string(ended)}});
  json r = result_reply("ok");
  r["ended"] = ended;
  return r;
}

json renew_codes(const account_services& svc, const json& req) {
  request_fields f;
  if (auto bad = read_login_request(req, {{"session", 128}}, f, false)) return bad_field(bad);
  auto s = session_of(svc, f, true);
  if (!s.info) return s.refusal;
  json r = result_reply("ok");
  r["recovery_codes"] = svc.enroller.renew_recovery_codes(s.info->user_id, s.info->user, web_context(f));
  return r;
}

json begin_app(const account_services& svc, const json& req) {
  request_fields f;
  if (auto bad = read_login_request(req, {{"session", 128}}, f, false)) return bad_field(bad);
  auto s = session_of(svc, f, true);
  if (!s.info) return s.refusal;
  return app_offer_reply(svc.enroller.offer_app_to(s.info->user_id, s.info->user));
}

json finish_app(const account_services& svc, const json& req) {
  request_fields f;
  if (auto bad = read_login_request(req, {{"session", 128}, {"code", 64}}, f, false)) return bad_field(bad);
  auto s = session_of(svc, f, true);
  if (!s.info) return s.refusal;
  const auto refusal = svc.enroller.confirm_app_of(s.info->user_id, s.info->user, secret(f["code"]), web_context(f));
  if (refusal.empty()) return result_reply("ok");
  return refused_reply(refusal);
}

// account.app.rename / .remove: one of the session user's apps, after a fresh login; the last second factor
// stays (without it the user could not log in at all).
json change_app(const account_services& svc, const json& req, bool remove) {
  request_fields f;
  if (auto bad = read_login_request(req, {{"session", 128}, {"id", 20}}, f, false)) return bad_field(bad);
  if (!remove && (f.read(req, {{"name", 256}}) != nullptr || !printable_label(f["name"], 64))) return bad_field("name");
  const auto& id_text = f["id"];
  if (!std::all_of(id_text.begin(), id_text.end(), [](char c) { return c >= '0' && c <= '9'; })) return bad_field("id");
  const std::int64_t id = std::stoll(id_text);
  auto s = session_of(svc, f, true);
  if (!s.info) return s.refusal;
  const auto ctx = web_context(f);
  const std::string_view event = remove ? "totp.remove" : "totp.rename";
  auto db = svc.pool.acquire();
  store::transaction tx(*db);
  if (remove && store::count_second_factors(*db, s.info->user_id) <= 1) {
    svc.auth.audit(*db, event, s.info->user, ctx, "totp", "refused", "last_factor", {{"app", id_text}});
    tx.commit();
    return result_reply("last_factor");
  }
  const bool done = remove ? store::delete_totp(*db, s.info->user_id, id)
                           : store::rename_totp(*db, s.info->user_id, id, f["name"]);
  if (!done) return result_reply("not_found");
  svc.auth.audit(*db, event, s.info->user, ctx, "totp", "success", remove ? "removed" : "renamed",
                 {{"app", id_text}, {"new_name", f["name"]}});
  tx.commit();
  return result_reply("ok");
}

json rename_app(const account_services& svc, const json& req) { return change_app(svc, req, false); }
json remove_app(const account_services& svc, const json& req) { return change_app(svc, req, true); }

}  // namespace

void register_account_requests(request_table& table, const account_services& svc) {
  auto add = [&](const char* op, std::size_t max_bytes, json (*handler)(const account_services&, const json&)) {
    table.add({op, permission::client, max_bytes,
               [svc, handler](const json& req, const caller&) { return handler(svc, req); }});
  };
  add("account.overview", 1024, overview);
  add("account.password", 4096, change_password);
  add("account.sessions.end_others", 1024, end_other_sessions);
  add("account.recovery_codes", 1024, renew_codes);
  add("account.app.begin", 1024, begin_app);
  add("account.app.finish", 1024, finish_app);
  add("account.app.rename", 1024, rename_app);
  add("account.app.remove", 1024, remove_app);
}

}  // namespace sekisho::authd
