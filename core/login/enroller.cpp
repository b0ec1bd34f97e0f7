#include "core/login/enroller.hpp"

#include "core/login/totp_credential.hpp"
#include "core/recovery/recovery_codes.hpp"
#include "core/seal/sealer.hpp"
#include "core/store/factor_store.hpp"
#include "core/store/user_store.hpp"
#include "core/totp/otpauth_uri.hpp"
#include "core/util/digest.hpp"
#include "core/util/encoding.hpp"

namespace sekisho::login {
namespace {

seal::binding binding_of(const store::totp_row& row) { return {"totp_credentials", row.id, row.user_id}; }

std::optional<store::totp_row> unconfirmed_app(store::database& db, std::int64_t user_id) {
  for (auto& row : store::totp_for_user(db, user_id, false))
    if (!row.confirmed) return row;
  return std::nullopt;
}

}  // namespace

enroller::enroller(const config& cfg, store::connection_pool& pool, const seal::keyring& keys,
                   const authenticator& auth, clock_fn now)
    : cfg_(cfg), pool_(pool), keys_(keys), auth_(auth), now_(std::move(now)) {}

std::optional<enroller::link> enroller::open(store::database& db, std::string_view token_hash, std::int64_t now) {
  const auto row = store::find_enrollment_token(db, token_hash, now);
  if (!row) return std::nullopt;
  const auto user = store::find_user_by_id(db, row->user_id);
  if (!user || user->disabled) return std::nullopt;
  return link{user->id, user->name, user->display_name, row->password_set, row->expires_at};
}

std::optional<enroller::link> enroller::open(std::string_view token) {
  auto db = pool_.acquire();
  return open(*db, sha256(token), now_());
}

password::policy_verdict enroller::hash_new_password(const secret& password, const std::string& user,
                                                     std::string* phc) {
  auto verdict = password::check_password(password.view(), user, cfg_.password.profile, cfg_.password.min_length);
  if (!verdict.ok) return verdict;
  auto hashed = auth_.password_hashing().hash(password.view());  // outside any transaction: Argon2 takes a while
  if (!hashed) {
    verdict.ok = false;
    verdict.reason_ja = "このパスワードは使えません。別のパスワードにしてください。";
    verdict.reason_en = "This password cannot be used. Please choose another.";
    return verdict;
  }
  *phc = std::move(*hashed);
  return verdict;
}

std::optional<password::policy_verdict> enroller::set_password(std::string_view token, const secret& password,
                                                               const context& ctx) {
  const auto token_hash = sha256(token);
  auto l = open(token);
  if (!l) return std::nullopt;
  std::string phc;
  auto verdict = hash_new_password(password, l->user, &phc);
  auto db = pool_.acquire();
  if (!verdict.ok) {
    auth_.audit(*db, "enrollment.password", l->user, ctx, "password", "failure", "policy");
    return verdict;
  }
  const auto now = now_();
  store::transaction tx(*db);
  if (!open(*db, token_hash, now)) return std::nullopt;  // spent or revoked meanwhile
  store::set_password_hash(*db, l->user_id, phc, false, now);
  store::mark_enrollment_password_set(*db, token_hash, now);
  auth_.audit(*db, "enrollment.password", l->user, ctx, "password", "success", "password_set");
  tx.commit();
  return verdict;
}

password::policy_verdict enroller::change_password(std::int64_t user_id, const std::string& user,
                                                   const secret& password, const context& ctx) {
  std::string phc;
  auto verdict = hash_new_password(password, user, &phc);
  auto db = pool_.acquire();
  store::transaction tx(*db);
  if (verdict.ok) store::set_password_hash(*db, user_id, phc, false, now_());
  auth_.audit(*db, "account.password", user, ctx, "password", verdict.ok ? "success" : "failure",
              verdict.ok ? "changed" : "policy");
  tx.commit();
  return verdict;
}

enroller::app_offer enroller::offer(store::database& db, std::int64_t user_id, const std::string& user) {
  const auto& tc = cfg_.totp;
  auto row = unconfirmed_app(db, user_id);
  std::optional<secret> seed;
  if (row) {
    if (auto opened = seal::unseal(keys_, row->sealed_secret, binding_of(*row))) seed.emplace(std::move(*opened));
  }
  if (!row || !seed) {  // none yet, or one sealed under a key that is gone: start afresh
    store::delete_unconfirmed_totp(db, user_id);
    seed.emplace(totp::generate_secret(tc.algorithm));
    const auto id = store::insert_totp(db, user_id, "authenticator app", to_string(tc.algorithm), tc.digits,
                                       static_cast<int>(tc.period.count()), false, now_());
    store::set_totp_secret(db, id, seal::seal(keys_, seed->view(), {"totp_credentials", id, user_id}));
    row = unconfirmed_app(db, user_id);
  }
  return {totp::make_otpauth_uri(tc.issuer, user, seed->view(), params_of(*row)), base32_encode(seed->view())};
}

std::string enroller::confirm(store::database& db, std::int64_t user_id, const secret& code) {
  const auto row = unconfirmed_app(db, user_id);
  if (!row) return "no_app_offered";
  auto seed = seal::unseal(keys_, row->sealed_secret, binding_of(*row));
  if (!seed) return "sealed_secret_unreadable";
  const auto step = totp::verify_code(seed->view(), params_of(*row), code.view(), now_(), cfg_.totp.window);
  if (!step) return "wrong_code";
  store::confirm_totp(db, row->id);
  store::advance_totp_step(db, row->id, *step);  // the confirming code cannot log in afterwards
  return "";
}

std::optional<enroller::app_offer> enroller::offer_app(std::string_view token) {
  auto db = pool_.acquire();
  store::transaction tx(*db);
  const auto l = open(*db, sha256(token), now_());
  if (!l || !l->password_set) return std::nullopt;
  auto o = offer(*db, l->user_id, l->user);
  tx.commit();
  return o;
}

enroller::app_offer enroller::offer_app_to(std::int64_t user_id, const std::string& user) {
  auto db = pool_.acquire();
  store::transaction tx(*db);
  auto o = offer(*db, user_id, user);
  tx.commit();
  return o;
}

enroller::completion enroller::confirm_app(std::string_view token, const secret& code, const context& ctx) {
  return complete(token, "totp", ctx,
                  [&](store::database& db, const link& l) { return confirm(db, l.user_id, code); });
}

std::string enroller::confirm_app_of(std::int64_t user_id, const std::string& user, const secret& code,
                                     const context& ctx) {
  auto db = pool_.acquire();
  store::transaction tx(*db);
  auto refusal = confirm(*db, user_id, code);
  auth_.audit(*db, "totp.add", user, ctx, "totp", refusal.empty() ? "success" : "failure",
              refusal.empty() ? "confirmed" : refusal);
  tx.commit();
  return refusal;
}

std::vector<std::string> enroller::renew_recovery_codes(std::int64_t user_id, const std::string& user,
                                                        const context& ctx) {
  auto codes = recovery::generate_codes(auth_.recovery_hashing());
  auto db = pool_.acquire();
  store::transaction tx(*db);
  store::replace_recovery_codes(*db, user_id, codes.hashes);
  auth_.audit(*db, "recovery_codes.generate", user, ctx, "recovery", "success", "renewed");
  tx.commit();
  return std::move(codes.codes);
}

enroller::completion enroller::complete(std::string_view token, std::string_view method, const context& ctx,
                                        const factor_writer& write) {
  completion c;
  const auto token_hash = sha256(token);
  const auto first = open(token);
  if (!first || !first->password_set) return c;
  // Hashed before the transaction (Argon2), thrown away if the factor is refused.
  auto codes = recovery::generate_codes(auth_.recovery_hashing());
  const auto now = now_();
  auto db = pool_.acquire();
  store::transaction tx(*db);
  const auto l = open(*db, token_hash, now);
  if (!l || l->user_id != first->user_id || !l->password_set) return c;
  c.user_id = l->user_id;
  c.user = l->user;
  if (auto refusal = write(*db, *l); !refusal.empty()) {
    auth_.audit(*db, "enrollment.factor", l->user, ctx, method, "failure", refusal);
    tx.commit();
    c.result = outcome::refused;
    c.reason = std::move(refusal);
    return c;
  }
  store::consume_enrollment_token(*db, token_hash, now);
  store::delete_unconfirmed_totp(*db, l->user_id);
  store::replace_recovery_codes(*db, l->user_id, codes.hashes);
  auth_.audit(*db, "enrollment.complete", l->user, ctx, method, "success", "enrolled",
              {{"recovery_codes", std::to_string(codes.codes.size())}});
  tx.commit();
  c.result = outcome::done;
  c.recovery_codes = std::move(codes.codes);
  return c;
}

}  // namespace sekisho::login
