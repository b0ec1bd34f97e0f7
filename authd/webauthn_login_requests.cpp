// Logging in with a security key after the password: webauthn.login.begin hands out a challenge for a
// pending login, webauthn.login.finish checks the assertion through the authenticator, so the throttle,
// the lockout and the audit trail are the same as for a code, on every channel.
#include <algorithm>
#include <string>
#include <vector>

#include "authd/assertion_check.hpp"
#include "authd/request_fields.hpp"
#include "authd/webauthn_requests.hpp"
#include "core/store/user_store.hpp"
#include "core/store/webauthn_store.hpp"
#include "core/util/encoding.hpp"
#include "core/util/secret.hpp"
#include "core/webauthn/assertion.hpp"

namespace sekisho::authd {
namespace {

using nlohmann::json;
using ceremony = webauthn_challenges::ceremony;

json expired() { return result_reply("expired"); }

json login_begin(const webauthn_services& svc, const json& req) {
  request_fields f;
  if (auto bad = read_login_request(req, {{"pending", 128}}, f)) return bad_field(bad);
  const auto now = svc.now();
  // Only a correct password makes a pending login, so this tells nothing to someone without one; and
  // asking counts no attempt: only an answer does.
  const auto entry = svc.pending.peek(f["pending"], f["source"], now);
  if (!entry) return expired();
  if (svc.settings.rp.origins.empty()) return error_reply("unavailable");  // logged at start
  std::vector<std::string> ids;
  {
    auto db = svc.pool.acquire();
    for (auto& r : store::webauthn_for_user(*db, entry->user_id))
      if (!r.locked_at) ids.push_back(std::move(r.credential_id));
  }
  if (ids.empty()) return {{"ok", true}, {"result", "no_credentials"}};
  json allow = json::array();
  for (const auto& id : ids) allow.push_back(base64url_encode(id));
  const auto issued = svc.challenges.issue(ceremony::login, f["pending"], entry->user_id, std::move(ids), now);
  return challenge_reply(svc, issued, {{"allow", allow}});
}

json login_finish(const webauthn_services& svc, const json& req) {
  request_fields f;
  assertion_input in;
  if (auto bad = read_assertion(req, {{"pending", 128}}, f, in, false)) return bad_field(bad);
  const auto ctx = context_of(f);
  const auto now = svc.now();
  // The challenge is spent first, whatever follows (WA-A-08, WA-A-20); the pending login counts one attempt.
  const auto challenge = svc.challenges.take(f["handle"], ceremony::login, f["pending"], now);
  const auto entry = svc.pending.use(f["pending"], ctx.source, now);
  if (!entry || !challenge || challenge->user_id != entry->user_id) return expired();
  auto out = svc.auth.check_second_factor(
      entry->user_id,
      [&](store::database& db, std::int64_t at) {
        return check_assertion(svc, db, at, *entry, *challenge, in, ctx, svc.settings.uv);
      },
      ctx);
  return second_factor_reply(out, f["pending"], *entry, req, svc.pending, svc.sessions, ctx);
}

// Passkey-only login (webauthn.passkey_login): no user name and no password. The browser offers any
// discoverable credential for this site; the challenge is bound to the login page's form token.
json passkey_begin(const webauthn_services& svc, const json& req) {
  request_fields f;
  if (auto bad = read_login_request(req, {{"owner", 128}}, f)) return bad_field(bad);
  if (!svc.settings.passkey_login) return {{"ok", true}, {"result", "not_enabled"}};
  if (svc.settings.rp.origins.empty()) return error_reply("unavailable");  // logged at start
  const auto issued = svc.challenges.issue(ceremony::login, f["owner"], 0, {}, svc.now());
  auto reply = challenge_reply(svc, issued, {{"allow", json::array()}});
  reply["options"]["user_verification"] = "required";
  return reply;
}

// The credential names its user (its user handle must agree); the assertion must carry user verification,
// which makes the one touch two factors. Throttle, lock and audit are the user's, as for any factor.
json passkey_finish(const webauthn_services& svc, const json& req) {
  request_fields f;
  assertion_input in;
  if (auto bad = read_assertion(req, {{"owner", 128}}, f, in, true)) return bad_field(bad);
  if (!svc.settings.passkey_login) return {{"ok", true}, {"result", "not_enabled"}};
  const auto ctx = context_of(f);
  auto challenge = svc.challenges.take(f["handle"], ceremony::login, f["owner"], svc.now());
  if (!challenge) return expired();
  std::optional<store::user_row> user;
  {
    auto db = svc.pool.acquire();
    if (const auto row = store::find_webauthn_credential(*db, in.credential_id)) user = store::find_user_by_id(*db, row->user_id);
  }
  // An unknown key names no one to throttle; it proves nothing either.
  if (!user) return status_reply(login::status::denied, 0);
  challenge->allowed = {in.credential_id};
  const pending_logins::entry who{user->id, user->name, ctx.source, 0, 0};
  auto out = svc.auth.check_second_factor(
      user->id,
      [&](store::database& db, std::int64_t at) {
        auto c = check_assertion(svc, db, at, who, *challenge, in, ctx, webauthn::user_verification::required);
        c.method = "passkey";
        return c;
      },
      ctx);
  auto r = status_reply(out.result, out.retry_after);
  if (out.result != login::status::ok) return r;
  r["user"] = user->name;
  r["method"] = "passkey";
  add_changes(r, out);
  if (wants_session(req)) r["session"] = svc.sessions.open(user->id, 2, "passkey", ctx.source);
  return r;
}

}  // namespace

json challenge_reply(const webauthn_services& svc, const webauthn_challenges::issued& issued, json options) {
  options["challenge"] = base64url_encode(issued.challenge);
  options["rp_id"] = svc.settings.rp.id;
  options["user_verification"] = svc.settings.uv == webauthn::user_verification::required ? "required" : "preferred";
  options["timeout_ms"] = svc.challenges.ttl_seconds() * 1000;
  return {{"ok", true}, {"result", "ok"}, {"handle", issued.handle}, {"options", std::move(options)}};
}

void register_webauthn_login_requests(request_table& table, const webauthn_services& svc) {
  table.add({"webauthn.login.begin", permission::client, 1024,
             [svc](const json& req, const caller&) { return login_begin(svc, req); }});
  table.add({"webauthn.login.finish", permission::client, 32 * 1024,
             [svc](const json& req, const caller&) { return login_finish(svc, req); }});
  table.add({"webauthn.passkey.begin", permission::client, 1024,
             [svc](const json& req, const caller&) { return passkey_begin(svc, req); }});
  table.add({"webauthn.passkey.finish", permission::client, 32 * 1024,
             [svc](const json& req, const caller&) { return passkey_finish(svc, req); }});
}

}  // namespace sekisho::authd
