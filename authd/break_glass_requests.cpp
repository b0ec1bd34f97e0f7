#include "authd/break_glass_requests.hpp"

#include "authd/log.hpp"
#include "authd/request_fields.hpp"
#include "core/login/emergency_access.hpp"
#include "core/util/secret.hpp"
#include "core/util/utf8.hpp"

namespace sekisho::authd {
namespace {

using nlohmann::json;

constexpr std::size_t max_reason_chars = 200;
constexpr std::size_t min_reason_bytes = 4;  // one kanji (3 bytes) is not a reason; 「急患」 (6) or "flu!" is

json open_break_glass(const break_glass_config& cfg, login::authenticator& auth, session::session_book& sessions,
                      store::connection_pool& pool, const json& req) {
  request_fields f;
  if (auto bad = read_login_request(req, {{"user", 256}, {"password", 1024}, {"code", 64}, {"reason", 1024}}, f))
    return bad_field(bad);
  if (f["reason"].size() < min_reason_bytes || !printable_label(f["reason"], max_reason_chars)) return bad_field("reason");
  if (!cfg.enabled) return {{"ok", true}, {"result", "not_enabled"}};
  const auto ctx = context_of(f);
  const auto p = auth.check_password(f["user"], secret(f["password"]), ctx);
  // Break-glass is for a user who cannot use their factor: enrolled or not, the password must be right.
  if (p.result != login::status::ok && p.result != login::status::not_enrolled)
    return status_reply(p.result, p.retry_after);
  const secret code(f["code"]);
  const auto out = auth.check_second_factor(p.user_id, login::emergency_code_checker(cfg, auth, p.user_id, code), ctx);
  if (out.result != login::status::ok) return status_reply(out.result, out.retry_after);

  {
    auto db = pool.acquire();
    auth.audit(*db, "break_glass.open", p.user, ctx, "break_glass", "warning", "emergency_access",
               {{"stated_reason", f["reason"]}, {"lifetime_seconds", std::to_string(cfg.session_lifetime.count())}});
  }
  // The reason is the user's own text: quoted by JSON rules in the trail, left out of this line.
  log_line("WARNING: break-glass session opened by " + p.user + " from " + ctx.source +
           " (reason in the audit trail); review it");
  json r = status_reply(login::status::ok, 0);
  r["user"] = p.user;
  r["expires_in"] = cfg.session_lifetime.count();
  if (wants_session(req)) r["session"] = sessions.open(p.user_id, 2, "break_glass", ctx.source, cfg.session_lifetime);
  return r;
}

}  // namespace

void register_break_glass_requests(request_table& table, const break_glass_config& cfg, login::authenticator& auth,
                                   session::session_book& sessions, store::connection_pool& pool) {
  table.add({"breakglass.open", permission::client, 4096,
             [&cfg, &auth, &sessions, &pool](const json& req, const caller&) {
               return open_break_glass(cfg, auth, sessions, pool, req);
             }});
}

}  // namespace sekisho::authd
