// WebAuthn credentials (security keys, passkeys): the record a verified registration leaves
// (WebAuthn L3 §7.1 step 27) and the counter each assertion moves forward. A credential id belongs
// to one user only; the counter moves with one conditional UPDATE, so two concurrent logins cannot
// both pass with the same or an older count (WA-A-19).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/database.hpp"

namespace sekisho::store {

struct webauthn_row {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string credential_id;  // raw bytes, 1 … 1023
  std::string public_key;     // SubjectPublicKeyInfo, DER
  int cose_alg = -7;
  std::int64_t sign_count = 0;  // a 32-bit unsigned counter
  std::string aaguid;           // 16 bytes
  bool backup_eligible = false;
  bool backup_state = false;
  bool uv_initialized = false;
  std::string attestation_format;
  std::string name;  // the user's label
  std::int64_t created_at = 0;
  std::optional<std::int64_t> last_used_at;
  std::optional<std::int64_t> locked_at;  // set when it looked cloned: it logs no one in any more
};

// Returns the row id. A credential id registered already throws store_error (UNIQUE): callers check
// with find_webauthn_credential first, inside the same transaction.
std::int64_t insert_webauthn_credential(database& db, const webauthn_row& row);
std::optional<webauthn_row> find_webauthn_credential(database& db, std::string_view credential_id);
std::vector<webauthn_row> webauthn_for_user(database& db, std::int64_t user_id);
int count_webauthn_for_user(database& db, std::int64_t user_id);
void lock_webauthn_credential(database& db, std::int64_t row_id, std::int64_t now);

// Records a verified assertion: sign_count becomes `sign_count` only if that is above the stored one
// (or both are 0: an authenticator without a counter); backup_state and last_used_at follow, and
// uv_initialized becomes true once UV was seen (after a password, so by an additional factor).
// False when the stored counter had already reached `sign_count`: a clone, or a concurrent login.
bool record_webauthn_use(database& db, std::int64_t row_id, std::int64_t sign_count, bool backup_state,
                         bool user_verified, std::int64_t now);

// Both act only on a credential of `user_id`; false when it has none with that id.
bool rename_webauthn_credential(database& db, std::int64_t user_id, std::string_view credential_id,
                                std::string_view name);
bool delete_webauthn_credential(database& db, std::int64_t user_id, std::string_view credential_id);
void delete_webauthn_for_user(database& db, std::int64_t user_id);

}  // namespace sekisho::store
