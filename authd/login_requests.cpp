#include "authd/login_requests.hpp"

#include "authd/request_fields.hpp"
#include "core/util/secret.hpp"

namespace sekisho::authd {

using nlohmann::json;

namespace {

json combined_reply(const login::factor_outcome& out, const json& req, session::session_book& sessions,
                    const login::context& ctx) {
  auto r = status_reply(out.result, out.retry_after);
  if (out.result == login::status::ok) {
    r["method"] = out.method;
    if (wants_session(req)) r["session"] = sessions.open(out.user_id, 2, out.method, ctx.source);
  }
  return r;
}

}  // namespace

void register_login_requests(request_table& table, login::authenticator& auth, pending_logins& pending,
                             session::session_book& sessions, clock_fn now) {
  table.add({"login.password", permission::client, 4096, [&auth, &pending, now](const json& req, const caller&) {
               request_fields f;
               if (auto bad = read_login_request(req, {{"user", 256}, {"password", 1024}}, f)) return bad_field(bad);
               const auto ctx = context_of(f);
               auto out = auth.check_password(f["user"], secret(f["password"]), ctx);
               auto r = status_reply(out.result, out.retry_after);
               if (out.result == login::status::ok) {
                 r["pending"] = pending.add(out.user_id, out.user, ctx.source, now());
                 r["user"] = out.user;
                 r["must_change_password"] = out.must_change_password;
                 r["factors"] = {{"totp", out.has_totp},
                                 {"webauthn", out.has_webauthn},
                                 {"recovery_codes_left", out.recovery_codes_left}};
               }
               return r;
             }});
  table.add({"login.second_factor", permission::client, 4096, [&auth, &pending, &sessions, now](const json& req, const caller&) {
               request_fields f;
               if (auto bad = read_login_request(req, {{"pending", 128}, {"code", 64}}, f)) return bad_field(bad);
               const auto ctx = context_of(f);
               auto entry = pending.use(f["pending"], ctx.source, now());
               // Expired, spent, out of attempts or from another address: the web page starts over.
               if (!entry) return json{{"ok", true}, {"result", "expired"}};
               auto out = auth.check_second_factor(entry->user_id, secret(f["code"]), ctx);
               return second_factor_reply(out, f["pending"], *entry, req, pending, sessions, ctx);
             }});
  table.add({"login.combined", permission::client, 4096, [&auth, &sessions](const json& req, const caller&) {
               request_fields f;
               if (auto bad = read_login_request(req, {{"user", 256}, {"password", 1024}, {"code", 64}}, f))
                 return bad_field(bad);
               const auto ctx = context_of(f);
               return combined_reply(auth.login(f["user"], secret(f["password"]), secret(f["code"]), ctx), req,
                                     sessions, ctx);
             }});
  // RADIUS PAP: the code typed right after the password, split by authd, which knows the code's length.
  table.add({"login.joined", permission::client, 4096, [&auth, &sessions](const json& req, const caller&) {
               request_fields f;
               if (auto bad = read_login_request(req, {{"user", 256}, {"password_and_code", 1088}}, f))
                 return bad_field(bad);
               const auto ctx = context_of(f);
               return combined_reply(auth.login_joined(f["user"], secret(f["password_and_code"]), ctx), req,
                                     sessions, ctx);
             }});
  // For PAM's acct_mgmt, after authentication. It tells an admitted client which names exist;
  // docs/privsep.md says why that is accepted.
  table.add({"account.status", permission::client, 1024, [&auth](const json& req, const caller&) {
               request_fields f;
               if (auto bad = f.read(req, {{"user", 256}})) return bad_field(bad);
               return json{{"ok", true}, {"status", std::string(login::to_string(auth.account_status(f["user"])))}};
             }});
}

}  // namespace sekisho::authd
