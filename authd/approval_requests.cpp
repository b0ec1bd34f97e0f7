#include "authd/approval_requests.hpp"

#include "authd/assertion_check.hpp"
#include "authd/log.hpp"
#include "authd/request_fields.hpp"
#include "core/store/webauthn_store.hpp"
#include "core/util/encoding.hpp"
#include "core/util/secret.hpp"

namespace sekisho::authd {
namespace {

using nlohmann::json;
using ceremony = webauthn_challenges::ceremony;

// The usable security keys of a user (a locked one, possibly cloned, approves nothing).
std::vector<std::string> usable_keys(const webauthn_services& svc, std::int64_t user_id) {
  std::vector<std::string> ids;
  auto db = svc.pool.acquire();
  for (auto& r : store::webauthn_for_user(*db, user_id))
    if (!r.locked_at) ids.push_back(std::move(r.credential_id));
  return ids;
}

// The password over PAM; then, for a user with a security key, an approval to give on the web page.
json open_approval(const approval_services& svc, const json& req) {
  request_fields f;
  if (auto bad = read_login_request(req, {{"user", 256}, {"password", 1024}}, f)) return bad_field(bad);
  const auto ctx = context_of(f);
  auto& auth = svc.webauthn.auth;
  auto p = auth.check_password(f["user"], secret(f["password"]), ctx);
  if (p.result != login::status::ok) return status_reply(p.result, p.retry_after);
  if (usable_keys(svc.webauthn, p.user_id).empty()) {
    // Counted and audited as a failed second factor: without a key there is nothing to approve with.
    const auto out = auth.check_second_factor(
        p.user_id, [](store::database&, std::int64_t) { return login::factor_check{false, "approval", "no_security_key", "", 0}; },
        ctx);
    return out.result == login::status::throttled ? status_reply(out.result, out.retry_after)
                                                   : result_reply("no_security_key");
  }
  const auto opened = svc.open_approvals.open(p.user_id, p.user, ctx, svc.webauthn.now());
  auto r = result_reply("ok");
  r["handle"] = opened.handle;
  r["code"] = display_code(opened.code);
  r["url"] = svc.settings.approve_url;
  r["expires_in"] = svc.open_approvals.ttl_seconds();
  return r;
}

// Enter pressed at the terminal: the approval is spent whatever it says, and only an approved one logs in,
// through the authenticator's throttle and audit like any second factor.
json finish_approval(const approval_services& svc, const json& req) {
  request_fields f;
  if (auto bad = read_login_request(req, {{"handle", 128}}, f, false)) return bad_field(bad);
  const auto e = svc.open_approvals.take(f["handle"], svc.webauthn.now());
  if (!e) return result_reply("expired");
  const auto out = svc.webauthn.auth.check_second_factor(
      e->user_id,
      [&e](store::database&, std::int64_t) {
        login::factor_check c;
        c.method = "approval";
        c.ok = e->decision == approvals::state::approved;
        c.reason = c.ok ? "approved" : e->decision == approvals::state::denied ? "denied_by_user" : "not_approved";
        return c;
      },
      e->ctx);
  auto r = status_reply(out.result, out.retry_after);
  if (out.result == login::status::ok) r["method"] = "approval";
  return r;
}

// What the web page's three requests start from: the caller's live session, which must not be an emergency
// one (that is for patients, not for letting someone onto a server), and that user's approval waiting under
// the request's code. When either is missing, `refusal` is the reply to send.
struct waiting_approval {
  session::session_info session;
  approvals::entry approval;
  json refusal;
  bool found() const { return refusal.is_null(); }
};

waiting_approval find_waiting(const approval_services& svc, const request_fields& f) {
  waiting_approval w;
  const auto s = svc.webauthn.sessions.check(f["session"]);
  if (!s) w.refusal = no_session_reply();
  else if (s->method == "break_glass") w.refusal = result_reply("emergency_session");
  if (!w.found()) return w;
  w.session = *s;
  const auto e = svc.open_approvals.find_waiting(s->user_id, f["code"], svc.webauthn.now());
  if (e) w.approval = *e;
  else w.refusal = result_reply("not_found");
  return w;
}

login::context web_context(const request_fields& f) {
  auto ctx = context_of(f);
  if (ctx.channel.empty()) ctx.channel = "web";
  return ctx;
}

// A challenge is bound to the session and the approval's code: it approves this approval only.
std::string challenge_owner(const request_fields& f) { return f["session"] + "/" + typed_code(f["code"]); }

// What the page shows before the user decides, and a challenge for the security key.
json show_approval(const approval_services& svc, const json& req) {
  request_fields f;
  if (auto bad = read_login_request(req, {{"session", 128}, {"code", 32}}, f, false)) return bad_field(bad);
  const auto w = find_waiting(svc, f);
  if (!w.found()) return w.refusal;
  const auto& s = w.session;
  const auto& e = w.approval;
  const auto now = svc.webauthn.now();
  auto ids = usable_keys(svc.webauthn, s.user_id);
  if (ids.empty()) return result_reply("no_security_key");
  json allow = json::array();
  for (const auto& id : ids) allow.push_back(base64url_encode(id));
  const auto issued = svc.webauthn.challenges.issue(ceremony::login, challenge_owner(f), s.user_id, std::move(ids), now);
  auto r = challenge_reply(svc.webauthn, issued, {{"allow", allow}});
  r["approval"] = {{"code", display_code(e.code)}, {"host", e.ctx.host},       {"service", e.ctx.service},
                   {"source", e.ctx.source},       {"tty", e.ctx.tty},         {"channel", e.ctx.channel},
                   {"opened_at", e.opened_at},      {"expires_in", e.expires_at - now}};
  return r;
}

void audit_decision(const approval_services& svc, std::string_view event, const session::session_info& s,
                    const approvals::entry& e, const login::context& ctx, std::string_view result,
                    std::string_view reason) {
  auto db = svc.webauthn.pool.acquire();
  svc.webauthn.auth.audit(*db, event, s.user, ctx, "webauthn", result, reason,
                          {{"for_host", e.ctx.host}, {"for_service", e.ctx.service}, {"for_source", e.ctx.source},
                           {"for_channel", e.ctx.channel}});
}

// The security key's answer to the page's challenge: the approval is given only for a valid assertion.
json approve(const approval_services& svc, const json& req) {
  request_fields f;
  assertion_input in;
  if (auto bad = read_assertion(req, {{"session", 128}, {"code", 32}}, f, in, false, false)) return bad_field(bad);
  const auto ctx = web_context(f);
  const auto now = svc.webauthn.now();
  // The challenge is spent first, whatever follows (single use).
  const auto challenge = svc.webauthn.challenges.take(f["handle"], ceremony::login, challenge_owner(f), now);
  const auto w = find_waiting(svc, f);
  if (!w.found()) return w.refusal;
  const auto& s = w.session;
  if (!challenge || challenge->user_id != s.user_id) return result_reply("expired");
  const pending_logins::entry who{s.user_id, s.user, ctx.source, 0, 0};
  login::factor_check c;
  {
    auto db = svc.webauthn.pool.acquire();
    c = check_assertion(svc.webauthn, *db, now, who, *challenge, in, ctx, svc.webauthn.settings.uv);
  }
  if (!c.ok) {
    audit_decision(svc, "approval.approve", s, w.approval, ctx, "failure", c.reason);
    return refused_reply(c.reason);
  }
  if (!svc.open_approvals.decide(s.user_id, f["code"], true, now)) return result_reply("not_found");
  audit_decision(svc, "approval.approve", s, w.approval, ctx, "success", "assertion_ok");
  return result_reply("ok");
}

// "Not me": the login waiting at the terminal fails, and the refusal stands out in the trail and the log.
json deny(const approval_services& svc, const json& req) {
  request_fields f;
  if (auto bad = read_login_request(req, {{"session", 128}, {"code", 32}}, f, false)) return bad_field(bad);
  const auto w = find_waiting(svc, f);
  if (!w.found()) return w.refusal;
  const auto& s = w.session;
  const auto& e = w.approval;
  if (!svc.open_approvals.decide(s.user_id, f["code"], false, svc.webauthn.now())) return result_reply("not_found");
  audit_decision(svc, "approval.deny", s, e, web_context(f), "warning", "denied_by_user");
  log_line("WARNING: " + s.user + " denied a " + e.ctx.service + " login to " + e.ctx.host + " from " +
           e.ctx.source + " that asked for their approval");
  return result_reply("ok");
}

}  // namespace

void register_approval_requests(request_table& table, const approval_services& svc) {
  table.add({"approval.open", permission::client, 4096,
             [svc](const json& req, const caller&) { return open_approval(svc, req); }});
  table.add({"approval.finish", permission::client, 1024,
             [svc](const json& req, const caller&) { return finish_approval(svc, req); }});
  table.add({"approval.show", permission::client, 1024,
             [svc](const json& req, const caller&) { return show_approval(svc, req); }});
  table.add({"approval.approve", permission::client, 32 * 1024,
             [svc](const json& req, const caller&) { return approve(svc, req); }});
  table.add({"approval.deny", permission::client, 1024,
             [svc](const json& req, const caller&) { return deny(svc, req); }});
}

}  // namespace sekisho::authd
