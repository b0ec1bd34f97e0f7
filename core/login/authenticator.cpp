#include "core/login/authenticator.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/audit/audit_event.hpp"
#include "core/login/joined_secret.hpp"
#include "core/login/totp_credential.hpp"
#include "core/login/user_name.hpp"
#include "core/recovery/recovery_codes.hpp"
#include "core/seal/sealer.hpp"
#include "core/store/audit_store.hpp"
#include "core/store/factor_store.hpp"
#include "core/store/user_store.hpp"
#include "core/store/webauthn_store.hpp"
#include "core/totp/totp.hpp"

namespace sekisho::login {
namespace {

constexpr int max_changes_shown = 10;

// Names that cannot be accounts share one throttle counter instead of growing the table.
std::string throttle_name(const std::string& canonical) { return canonical.empty() ? "?invalid" : canonical; }

audit::audit_event make_event(std::string_view event, std::string_view user, const context& ctx,
                              std::string_view method, std::string_view result, std::string_view reason,
                              audit_fields fields = {}) {
  nlohmann::json d = {{"reason", reason}};
  for (const auto& [key, value] : fields)
    if (!value.empty()) d[std::string(key)] = value;
  if (!ctx.service.empty()) d["service"] = ctx.service;
  if (!ctx.host.empty()) d["host"] = ctx.host;
  if (!ctx.tty.empty()) d["tty"] = ctx.tty;
  // The caller's strings are attacker-controlled: serialise, never paste, so they cannot add keys.
  const auto details = d.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return {std::string(event), std::string(user), ctx.source, ctx.channel, std::string(method),
          std::string(result), details};
}

std::string strip_spaces(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != ' ' && c != '\t') out.push_back(c);
  return out;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

std::string_view to_string(status s) {
  switch (s) {
    case status::ok: return "ok";
    case status::denied: return "denied";
    case status::throttled: return "throttled";
    case status::locked: return "locked";
    case status::disabled: return "disabled";
    case status::not_enrolled: return "not_enrolled";
    case status::approve_required: return "approve_required";
  }
  return "denied";
}

std::string_view to_string(account_state s) {
  switch (s) {
    case account_state::active: return "active";
    case account_state::disabled: return "disabled";
    case account_state::locked: return "locked";
    case account_state::not_enrolled: return "not_enrolled";
    case account_state::unknown: return "unknown";
  }
  return "unknown";
}

authenticator::authenticator(const config& cfg, store::connection_pool& pool, const seal::keyring& keys,
                             const secret& audit_key, clock_fn now)
    : cfg_(cfg),
      pool_(pool),
      keys_(keys),
      audit_key_(audit_key),
      now_(std::move(now)),
      limiter_(cfg.password.max_concurrent_hashes),
      hasher_({cfg.password.memory_kib, cfg.password.iterations, cfg.password.parallelism}, limiter_),
      recovery_hasher_(recovery::hash_params(), limiter_),
      throttle_(cfg.throttle) {}

void authenticator::record(store::database& db, const audit::audit_event& e, std::int64_t now) const {
  store::append_audit(db, audit_key_, e, now);
  const bool outcome = e.event == "login.second_factor" || (e.event == "login.password" && e.result != "success");
  // A refusal by the throttle names no factor: at the first step it is still the password's.
  const auto method = !e.method.empty() ? e.method : e.event == "login.password" ? "password" : "unknown";
  if (outcome) counters_.count_login(e.channel, method, e.result);
}

bool authenticator::throttled(store::database& db, const std::string& name, const context& ctx,
                              std::int64_t now, status* result, std::int64_t* retry_after,
                              std::string_view event) {
  auto v = throttle_.check(db, name, ctx.source, now);
  if (v.allowed) return false;
  *result = v.locked ? status::locked : status::throttled;
  *retry_after = v.retry_after;
  counters_.count_throttled(ctx.channel);
  record(db, make_event(event, name, ctx, "", v.locked ? "locked" : "throttled", "too_many_failures"), now);
  return true;
}

void authenticator::fail(store::database& db, const std::string& name, const context& ctx, std::int64_t now,
                         std::string_view event, std::string_view method, std::string_view reason,
                         audit_fields fields) {
  store::transaction tx(db);
  const int failures = throttle_.record_failure(db, name, ctx.source, now);
  record(db, make_event(event, name, ctx, method, "failure", reason, fields), now);
  if (failures == cfg_.throttle.lock_after)
    record(db, make_event("account.locked", name, ctx, method, "locked", "too_many_failures"), now);
  tx.commit();
}

password_outcome authenticator::check_password(std::string_view user, const secret& password, const context& ctx) {
  password_outcome out;
  const auto name = canonical_user_name(user);
  const auto tname = throttle_name(name);
  auto db = pool_.acquire();
  if (throttled(*db, tname, ctx, now_(), &out.result, &out.retry_after, "login.password")) return out;

  auto u = name.empty() ? std::nullopt : store::find_user(*db, name);
  // An unknown user costs a full hash too, so timing does not tell which names exist.
  auto v = hasher_.verify(u ? u->password_hash : std::string(), password.view());
  const auto now = now_();
  if (!v.match) {
    fail(*db, tname, ctx, now, "login.password", "password",
         !u ? "unknown_user" : v.refused ? "stored_hash_refused" : "wrong_password");
    return out;
  }
  out.user_id = u->id;
  out.user = u->name;
  if (u->disabled) {
    record(*db, make_event("login.password", name, ctx, "password", "denied", "disabled"), now);
    out.result = status::disabled;
    return out;
  }
  if (v.needs_rehash)
    if (auto h = hasher_.hash(password.view())) store::set_password_hash(*db, u->id, *h, u->must_change_password, now);
  out.must_change_password = u->must_change_password;
  out.has_totp = !store::totp_for_user(*db, u->id, true).empty();
  out.has_webauthn = store::count_webauthn_for_user(*db, u->id) > 0;
  out.recovery_codes_left = static_cast<int>(store::unused_recovery_codes(*db, u->id).size());
  const bool enrolled = out.has_totp || out.has_webauthn;
  out.result = enrolled ? status::ok : status::not_enrolled;
  record(*db,
         make_event("login.password", name, ctx, "password", enrolled ? "success" : "info",
                    enrolled ? "password_ok" : "no_second_factor"),
         now);
  return out;
}

bool authenticator::try_totp(store::database& db, std::int64_t user_id, std::string_view code, std::int64_t now,
                             std::string* reason) {
  for (const auto& row : store::totp_for_user(db, user_id, true)) {
    auto seed = seal::unseal(keys_, row.sealed_secret, {"totp_credentials", row.id, user_id});
    if (!seed) {
      *reason = "sealed_secret_unreadable";
      continue;
    }
    auto step = totp::verify_code(seed->view(), params_of(row), code, now, cfg_.totp.window);
    if (!step) continue;
    if (store::advance_totp_step(db, row.id, *step)) return true;
    *reason = "replayed_code";  // NIST: log a second use of the same code
    return false;
  }
  return false;
}

bool authenticator::spend_recovery_code(store::database& db, std::int64_t user_id, std::string_view code, std::int64_t now,
                                 int* left) {
  auto unused = store::unused_recovery_codes(db, user_id);
  for (const auto& row : unused) {
    if (!recovery_hasher_.verify(row.code_hash, code).match) continue;
    if (!store::spend_recovery_code(db, row.id, now)) return false;
    *left = static_cast<int>(unused.size()) - 1;
    return true;
  }
  return false;
}

factor_check authenticator::check_code(store::database& db, std::int64_t user_id, std::string_view code,
                                      std::int64_t now) {
  factor_check c;
  c.reason = "wrong_code";
  const auto typed = strip_spaces(code);
  if (all_digits(typed) && typed.size() == static_cast<std::size_t>(cfg_.totp.digits)) {
    c.method = "totp";
    c.ok = try_totp(db, user_id, typed, now, &c.reason);
  } else if (auto rc = recovery::normalize_code(typed)) {
    c.method = "recovery";
    c.ok = spend_recovery_code(db, user_id, *rc, now, &c.recovery_codes_left);
  }
  if (c.ok) c.reason = "code_ok";
  return c;
}

factor_outcome authenticator::check_second_factor(std::int64_t user_id, const secret& code, const context& ctx) {
  return check_second_factor(
      user_id, [&](store::database& db, std::int64_t now) { return check_code(db, user_id, code.view(), now); }, ctx);
}

factor_outcome authenticator::check_second_factor(std::int64_t user_id, const factor_checker& check,
                                                  const context& ctx) {
  factor_outcome out;
  auto db = pool_.acquire();
  auto u = store::find_user_by_id(*db, user_id);
  if (!u || u->disabled) return out;
  if (throttled(*db, u->name, ctx, now_(), &out.result, &out.retry_after, "login.second_factor")) return out;

  const auto now = now_();
  const auto c = check(*db, now);
  out.method = c.method;
  out.recovery_codes_left = c.recovery_codes_left;
  if (!c.ok) {
    fail(*db, u->name, ctx, now, "login.second_factor", c.method.empty() ? "unknown" : c.method, c.reason,
         {{"credential", c.credential}});
    return out;
  }
  // Read before this login is recorded: what happened since the one before (nothing on a first login).
  out.changes = store::account_changes_since_last_login(*db, u->name, max_changes_shown);
  store::transaction tx(*db);
  throttle_.record_success(*db, u->name);
  store::record_login(*db, user_id, now);
  record(*db, make_event("login.second_factor", u->name, ctx, c.method, "success", c.reason, {{"credential", c.credential}}),
         now);
  if (c.method == "recovery")
    record(*db,
           make_event("recovery_code.used", u->name, ctx, "recovery", "info",
                      std::to_string(c.recovery_codes_left) + "_left"),
           now);
  tx.commit();
  out.result = status::ok;
  out.user_id = user_id;
  return out;
}

void authenticator::audit(store::database& db, std::string_view event, std::string_view user, const context& ctx,
                          std::string_view method, std::string_view result, std::string_view reason,
                          audit_fields fields) const {
  record(db, make_event(event, user, ctx, method, result, reason, fields), now_());
}

factor_outcome authenticator::login(std::string_view user, const secret& password, const secret& code,
                                    const context& ctx) {
  auto p = check_password(user, password, ctx);
  if (p.result != status::ok) return {p.result, p.retry_after, "", 0, 0, {}};
  if (approval_required(p.user_id, ctx)) return {status::approve_required, 0, "", 0, 0, {}};
  auto f = check_second_factor(p.user_id, code, ctx);
  if (f.result == status::ok) f.user_id = p.user_id;
  return f;
}

// Not a failure of the user's (nothing counts toward the throttle), but recorded: someone with the password
// tried a way in that policy closes for this user.
bool authenticator::approval_required(std::int64_t user_id, const context& ctx) {
  const auto& groups = cfg_.pam.approve_groups;
  if (groups.empty() || ctx.channel == "web" || ctx.channel == "cli") return false;
  auto db = pool_.acquire();
  const auto u = store::find_user_by_id(*db, user_id);
  if (!u) return false;
  for (const auto& g : u->groups) {
    if (std::find(groups.begin(), groups.end(), g) == groups.end()) continue;
    audit(*db, "login.second_factor", u->name, ctx, "", "failure", "approve_required", {{"group", g}});
    return true;
  }
  return false;
}

factor_outcome authenticator::login_joined(std::string_view user, const secret& joined, const context& ctx) {
  // One that cannot be split is checked as a password with no code: it costs and counts as any failure.
  auto parts = split_password_and_code(joined, cfg_.totp.digits);
  if (!parts) parts = password_and_code{joined, secret()};
  return login(user, parts->password, parts->code, ctx);
}

account_state authenticator::account_status(std::string_view user) {
  const auto name = canonical_user_name(user);
  if (name.empty()) return account_state::unknown;
  auto db = pool_.acquire();
  const auto u = store::find_user(*db, name);
  if (!u) return account_state::unknown;
  if (u->disabled) return account_state::disabled;
  if (throttle_.check(*db, name, "", now_()).locked) return account_state::locked;
  if (store::count_second_factors(*db, u->id) == 0) return account_state::not_enrolled;
  return account_state::active;
}

}  // namespace sekisho::login
