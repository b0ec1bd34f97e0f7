#include "core/store/factor_store.hpp"

#include "core/store/webauthn_store.hpp"

namespace sekisho::store {
namespace {

// Runs a statement whose one parameter is a row or user id.
void run_with_id(database& db, std::string_view sql, std::int64_t id) {
  auto st = db.prepare(sql);
  st.bind(1, id).run();
}

// Runs a conditional UPDATE binding (?1 value, ?2 row id); true when it changed the row. The
// single-use rules are such UPDATEs: a second caller finds the condition false and changes nothing.
bool changed_one(database& db, std::string_view sql, std::int64_t value, std::int64_t id) {
  auto st = db.prepare(sql);
  st.bind(1, value).bind(2, id).run();
  return db.changes() == 1;
}

}  // namespace

std::int64_t insert_totp(database& db, std::int64_t user_id, std::string_view label, std::string_view algorithm,
                         int digits, int period, bool confirmed, std::int64_t now) {
  auto st = db.prepare(
      "INSERT INTO totp_credentials(user_id, label, sealed_secret, algorithm, digits, period, confirmed, created_at) "
      "VALUES(?, ?, x'', ?, ?, ?, ?, ?)");
  st.bind(1, user_id).bind(2, label).bind(3, algorithm).bind(4, std::int64_t{digits}).bind(5, std::int64_t{period});
  st.bind(6, std::int64_t{confirmed}).bind(7, now).run();
  return db.last_insert_id();
}

void set_totp_secret(database& db, std::int64_t totp_id, std::string_view sealed) {
  auto st = db.prepare("UPDATE totp_credentials SET sealed_secret = ? WHERE id = ?");
  st.bind_blob(1, sealed).bind(2, totp_id).run();
}

void confirm_totp(database& db, std::int64_t totp_id) {
  run_with_id(db, "UPDATE totp_credentials SET confirmed = 1 WHERE id = ?", totp_id);
}

std::vector<totp_row> totp_for_user(database& db, std::int64_t user_id, bool confirmed_only) {
  auto st = db.prepare(
      "SELECT id, user_id, label, sealed_secret, algorithm, digits, period, last_step, confirmed "
      "FROM totp_credentials WHERE user_id = ? AND (confirmed = 1 OR ? = 0) ORDER BY id");
  st.bind(1, user_id).bind(2, std::int64_t{confirmed_only});
  std::vector<totp_row> out;
  while (st.step()) {
    totp_row r;
    r.id = st.column_int(0);
    r.user_id = st.column_int(1);
    r.label = st.column_text(2);
    r.sealed_secret = st.column_blob(3);
    r.algorithm = st.column_text(4);
    r.digits = static_cast<int>(st.column_int(5));
    r.period = static_cast<int>(st.column_int(6));
    r.last_step = st.column_int(7);
    r.confirmed = st.column_int(8) != 0;
    out.push_back(std::move(r));
  }
  return out;
}

bool advance_totp_step(database& db, std::int64_t totp_id, std::int64_t step) {
  return changed_one(db, "UPDATE totp_credentials SET last_step = ?1 WHERE id = ?2 AND last_step < ?1", step, totp_id);
}

void delete_totp_for_user(database& db, std::int64_t user_id) {
  run_with_id(db, "DELETE FROM totp_credentials WHERE user_id = ?", user_id);
}

bool rename_totp(database& db, std::int64_t user_id, std::int64_t totp_id, std::string_view label) {
  auto st = db.prepare("UPDATE totp_credentials SET label = ? WHERE id = ? AND user_id = ? AND confirmed = 1");
  st.bind(1, label).bind(2, totp_id).bind(3, user_id).run();
  return db.changes() == 1;
}

bool delete_totp(database& db, std::int64_t user_id, std::int64_t totp_id) {
  auto st = db.prepare("DELETE FROM totp_credentials WHERE id = ? AND user_id = ? AND confirmed = 1");
  st.bind(1, totp_id).bind(2, user_id).run();
  return db.changes() == 1;
}

void delete_unconfirmed_totp(database& db, std::int64_t user_id) {
  run_with_id(db, "DELETE FROM totp_credentials WHERE user_id = ? AND confirmed = 0", user_id);
}

void replace_recovery_codes(database& db, std::int64_t user_id, const std::vector<std::string>& hashes) {
  delete_recovery_codes(db, user_id);
  auto ins = db.prepare("INSERT INTO recovery_codes(user_id, code_hash) VALUES(?, ?)");
  for (const auto& h : hashes) {
    ins.bind(1, user_id).bind(2, h).run();
    ins.reset();
  }
}

std::vector<recovery_row> unused_recovery_codes(database& db, std::int64_t user_id) {
  auto st = db.prepare("SELECT id, code_hash FROM recovery_codes WHERE user_id = ? AND used_at IS NULL ORDER BY id");
  st.bind(1, user_id);
  std::vector<recovery_row> out;
  while (st.step()) out.push_back({st.column_int(0), st.column_text(1)});
  return out;
}

bool spend_recovery_code(database& db, std::int64_t code_id, std::int64_t now) {
  return changed_one(db, "UPDATE recovery_codes SET used_at = ?1 WHERE id = ?2 AND used_at IS NULL", now, code_id);
}

void delete_recovery_codes(database& db, std::int64_t user_id) {
  run_with_id(db, "DELETE FROM recovery_codes WHERE user_id = ?", user_id);
}

int count_second_factors(database& db, std::int64_t user_id) {
  auto st = db.prepare("SELECT count(*) FROM totp_credentials WHERE user_id = ? AND confirmed = 1");
  st.bind(1, user_id);
  st.step();
  return static_cast<int>(st.column_int(0)) + count_webauthn_for_user(db, user_id);
}

void delete_second_factors(database& db, std::int64_t user_id) {
  delete_totp_for_user(db, user_id);
  delete_recovery_codes(db, user_id);
  delete_webauthn_for_user(db, user_id);
}

void insert_enrollment_token(database& db, std::string_view token_hash, std::int64_t user_id, std::int64_t now,
                             std::int64_t expires_at) {
  auto st = db.prepare(
      "INSERT INTO enrollment_tokens(token_hash, user_id, created_at, expires_at) VALUES(?, ?, ?, ?)");
  st.bind_blob(1, token_hash).bind(2, user_id).bind(3, now).bind(4, expires_at).run();
}

std::optional<enrollment_row> find_enrollment_token(database& db, std::string_view token_hash, std::int64_t now) {
  auto st = db.prepare(
      "SELECT user_id, expires_at, password_set_at IS NOT NULL FROM enrollment_tokens "
      "WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?");
  st.bind_blob(1, token_hash).bind(2, now);
  if (!st.step()) return std::nullopt;
  return enrollment_row{st.column_int(0), st.column_int(1), st.column_int(2) != 0};
}

void mark_enrollment_password_set(database& db, std::string_view token_hash, std::int64_t now) {
  auto st = db.prepare("UPDATE enrollment_tokens SET password_set_at = ? WHERE token_hash = ?");
  st.bind(1, now).bind_blob(2, token_hash).run();
}

std::optional<std::int64_t> consume_enrollment_token(database& db, std::string_view token_hash, std::int64_t now) {
  auto st = db.prepare(
      "UPDATE enrollment_tokens SET used_at = ?1 WHERE token_hash = ?2 AND used_at IS NULL AND expires_at > ?1 "
      "RETURNING user_id");
  st.bind(1, now).bind_blob(2, token_hash);
  if (!st.step()) return std::nullopt;
  auto user = st.column_int(0);
  st.run();
  return user;
}

void revoke_enrollment_tokens(database& db, std::int64_t user_id) {
  run_with_id(db, "DELETE FROM enrollment_tokens WHERE user_id = ? AND used_at IS NULL", user_id);
}

}  // namespace sekisho::store
