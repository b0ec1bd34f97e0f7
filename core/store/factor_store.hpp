// Second factors: TOTP credentials (sealed secrets, last accepted step), recovery codes and
// one-time enrollment tokens; WebAuthn credentials are in webauthn_store.hpp. The single-use rules
// live in the SQL: a conditional UPDATE that changes one row or none, so two concurrent logins
// cannot both spend the same code.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/database.hpp"

namespace sekisho::store {

struct totp_row {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string label;
  std::string sealed_secret;
  std::string algorithm;
  int digits = 6;
  int period = 30;
  std::int64_t last_step = -1;
  bool confirmed = false;
};

// Inserts with an empty secret; the caller seals the secret bound to the new row id and sets it
// with set_totp_secret in the same transaction.
std::int64_t insert_totp(database& db, std::int64_t user_id, std::string_view label, std::string_view algorithm,
                         int digits, int period, bool confirmed, std::int64_t now);
void set_totp_secret(database& db, std::int64_t totp_id, std::string_view sealed);
void confirm_totp(database& db, std::int64_t totp_id);
std::vector<totp_row> totp_for_user(database& db, std::int64_t user_id, bool confirmed_only);
// Moves last_step forward to `step`; false when `step` was already used (a replay).
bool advance_totp_step(database& db, std::int64_t totp_id, std::int64_t step);
void delete_totp_for_user(database& db, std::int64_t user_id);
// One of the user's apps: false when the user has none with that id.
bool rename_totp(database& db, std::int64_t user_id, std::int64_t totp_id, std::string_view label);
bool delete_totp(database& db, std::int64_t user_id, std::int64_t totp_id);
// An app offered during enrollment but never confirmed with a code.
void delete_unconfirmed_totp(database& db, std::int64_t user_id);

struct recovery_row {
  std::int64_t id = 0;
  std::string code_hash;
};
// Voids every earlier code of the user and stores the new hashes.
void replace_recovery_codes(database& db, std::int64_t user_id, const std::vector<std::string>& hashes);
std::vector<recovery_row> unused_recovery_codes(database& db, std::int64_t user_id);
// False when the code was spent meanwhile.
bool spend_recovery_code(database& db, std::int64_t code_id, std::int64_t now);
void delete_recovery_codes(database& db, std::int64_t user_id);

// Second factors a login can use: confirmed TOTP credentials and WebAuthn credentials (recovery
// codes are a fallback, not counted). A user with none is not enrolled.
int count_second_factors(database& db, std::int64_t user_id);
// Every second factor of the user: TOTP credentials, recovery codes and WebAuthn credentials
// (`sekisho user reset-factors`: a lost phone or key).
void delete_second_factors(database& db, std::int64_t user_id);

void insert_enrollment_token(database& db, std::string_view token_hash, std::int64_t user_id, std::int64_t now,
                             std::int64_t expires_at);
struct enrollment_row {
  std::int64_t user_id = 0;
  std::int64_t expires_at = 0;
  bool password_set = false;
};
// The token's link while it is unused and unexpired.
std::optional<enrollment_row> find_enrollment_token(database& db, std::string_view token_hash, std::int64_t now);
void mark_enrollment_password_set(database& db, std::string_view token_hash, std::int64_t now);
// Spends a valid token once; returns its user.
std::optional<std::int64_t> consume_enrollment_token(database& db, std::string_view token_hash, std::int64_t now);
void revoke_enrollment_tokens(database& db, std::int64_t user_id);

}  // namespace sekisho::store
