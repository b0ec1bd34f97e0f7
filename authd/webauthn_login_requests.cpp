// Logging in with a security key after the password: webauthn.login.begin hands out a challenge for a
// pending login, webauthn.login.finish checks the assertion through the authenticator, so the throttle,
// the lockout and the audit trail are the same as for a code, on every channel.
#include <algorithm>
#include <string>
#include <vector>

#include "authd/log.hpp"
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

constexpr std::size_t max_id_field = 1400;                // a 1023-byte credential id
constexpr std::size_t max_client_data_field = 16 * 1024;  // a few hundred bytes in practice
constexpr std::size_t max_auth_data_field = 11 * 1024;    // 8 KiB of authenticatorData
constexpr std::size_t max_signature_field = 700;          // 512 bytes
constexpr std::size_t max_user_handle_field = 100;        // 64 bytes

json expired() { return result_reply("expired"); }

// The decoded assertion of a webauthn.login.finish request.
struct assertion_input {
  std::string credential_id;
  std::string client_data_json;
  std::string authenticator_data;
  std::string signature;
  std::string user_handle;  // empty when the browser sent none
};

// nullptr when every field decodes, else the name of the first that does not.
const char* decode(const request_fields& f, assertion_input& in) {
  const std::pair<const char*, std::string*> fields[] = {{"credential_id", &in.credential_id},
                                                         {"client_data_json", &in.client_data_json},
                                                         {"authenticator_data", &in.authenticator_data},
                                                         {"signature", &in.signature},
                                                         {"user_handle", &in.user_handle}};
  for (const auto& [name, out] : fields) {
    auto bytes = base64url_decode(f[name]);
    if (!bytes) return name;
    *out = std::move(*bytes);
  }
  return nullptr;
}

// A counter that did not move forward: the key may have been copied (§6.1.1). Refused, the credential
// locked (WA-A-17: neither copy logs in again), and raised as a warning of its own in the trail and in
// authd's log, naming the credential.
void warn_cloned(const webauthn_services& svc, store::database& db, const login::context& ctx,
                 std::string_view user, const store::webauthn_row& row, std::string_view detail) {
  const auto id = base64url_encode(row.credential_id);
  store::lock_webauthn_credential(db, row.id, svc.now());
  svc.auth.audit(db, "webauthn.cloned", user, ctx, "webauthn", "warning", "possibly_cloned",
                 {{"credential", id}, {"name", row.name}, {"counter", detail}, {"action", "locked"}});
  log_line("WARNING: security key '" + id + "' of " + std::string(user) +
           " may be cloned (its signature counter did not increase); the login was refused and the key locked");
}

// One assertion against the user's stored credential (WA-A-02…A-19); spends the counter on success.
login::factor_check check_assertion(const webauthn_services& svc, store::database& db, std::int64_t now,
                                    const pending_logins::entry& who, const webauthn_challenges::entry& challenge,
                                    const assertion_input& in, const login::context& ctx,
                                    webauthn::user_verification uv) {
  login::factor_check c;
  c.method = "webauthn";
  c.credential = base64url_encode(in.credential_id);
  const auto row = store::find_webauthn_credential(db, in.credential_id);
  if (!row || row->user_id != who.user_id) {
    c.reason = "unknown_credential";
    return c;
  }
  if (row->locked_at) {
    c.reason = "credential_locked";
    return c;
  }
  const auto& allowed = challenge.allowed;
  if (std::find(allowed.begin(), allowed.end(), in.credential_id) == allowed.end()) {
    c.reason = "credential_not_offered";
    return c;
  }
  if (!in.user_handle.empty()) {
    const auto user = store::find_user_by_id(db, who.user_id);
    if (!user || !equal_constant_time(user->user_handle, in.user_handle)) {
      c.reason = "wrong_user_handle";
      return c;
    }
  }
  const webauthn::stored_credential stored{row->credential_id, static_cast<webauthn::cose_alg>(row->cose_alg),
                                           row->public_key, static_cast<std::uint32_t>(row->sign_count),
                                           row->backup_eligible};
  auto v = webauthn::verify_assertion(svc.settings.rp, {challenge.challenge, uv}, stored,
                                      {in.credential_id, in.client_data_json, in.authenticator_data, in.signature});
  if (!v) {
    const auto why = webauthn::reason_of(v.err());
    c.reason = webauthn::to_string(why);
    if (why == webauthn::refusal::possibly_cloned) {
      const auto& m = v.err().message;  // "possibly_cloned: stored N, received M"
      const auto colon = m.find(": ");
      warn_cloned(svc, db, ctx, who.user, *row, colon == std::string::npos ? std::string() : m.substr(colon + 2));
    }
    return c;
  }
  // The same rule again, atomically against the stored value: a concurrent login with this key may
  // have moved the counter since it was read.
  if (!store::record_webauthn_use(db, row->id, v->sign_count, v->backup_state, v->user_verified, now)) {
    c.reason = "possibly_cloned";
    warn_cloned(svc, db, ctx, who.user, *row, "received " + std::to_string(v->sign_count) + ", not above the stored count");
    return c;
  }
  c.ok = true;
  c.reason = "assertion_ok";
  return c;
}

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

// Reads the `owner` fields (see read_login_request), then the assertion: nullptr when all are good, else the
// name of the first bad one.
const char* read_assertion(const json& req, std::initializer_list<field_rule> owner, request_fields& f,
                           assertion_input& in, bool user_handle_required) {
  if (auto bad = read_login_request(req, owner, f)) return bad;
  if (auto bad = f.read(req, {{"handle", 128},
                              {"credential_id", max_id_field},
                              {"client_data_json", max_client_data_field},
                              {"authenticator_data", max_auth_data_field},
                              {"signature", max_signature_field},
                              {"user_handle", max_user_handle_field, user_handle_required}}))
    return bad;
  return decode(f, in);
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
