#include "core/store/schema.hpp"

#include <array>
#include <string>
#include <string_view>

#include "core/store/database.hpp"

namespace sekisho::store {
namespace {

// Migration N takes the database from version N-1 to N. Never edit a released migration; add one.
// AUTOINCREMENT: ids of deleted users, credentials and codes are never reused, because sealed
// secrets and spent codes are bound to their row id.
constexpr std::array<std::string_view, schema_version> migrations = {
    // 1: accounts, second factors, recovery codes, enrollment tokens, audit chain.
    R"sql(
CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL DEFAULT '',
  password_hash TEXT,
  is_admin INTEGER NOT NULL DEFAULT 0,
  disabled INTEGER NOT NULL DEFAULT 0,
  must_change_password INTEGER NOT NULL DEFAULT 0,
  user_handle BLOB NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE user_groups (
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  PRIMARY KEY (user_id, name)
);
CREATE TABLE totp_credentials (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  label TEXT NOT NULL,
  sealed_secret BLOB NOT NULL,
  algorithm TEXT NOT NULL,
  digits INTEGER NOT NULL,
  period INTEGER NOT NULL,
  last_step INTEGER NOT NULL DEFAULT -1,
  confirmed INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE INDEX totp_credentials_user ON totp_credentials(user_id);
CREATE TABLE recovery_codes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL,
  used_at INTEGER
);
CREATE INDEX recovery_codes_user ON recovery_codes(user_id);
CREATE TABLE enrollment_tokens (
  token_hash BLOB PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  time INTEGER NOT NULL,
  event TEXT NOT NULL,
  user TEXT NOT NULL,
  source TEXT NOT NULL,
  channel TEXT NOT NULL,
  method TEXT NOT NULL,
  result TEXT NOT NULL,
  details TEXT NOT NULL,
  prev_hash BLOB NOT NULL,
  hash BLOB NOT NULL
);
)sql",
    // 2: throttling counters per user name and per source address; when each user last logged in.
    R"sql(
ALTER TABLE users ADD COLUMN last_login_at INTEGER;
CREATE TABLE throttle (
  key TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  last_failure_at INTEGER NOT NULL
);
)sql",
    // 3: web sessions. Only a hash of the session id is stored: a copy of the database opens no session.
    R"sql(
CREATE TABLE sessions (
  id_hash BLOB PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  factors INTEGER NOT NULL,
  method TEXT NOT NULL,
  source TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions(user_id);
)sql",
    // 4: WebAuthn credentials (security keys, passkeys). A credential id belongs to one user only
    // (WA-R-23); the public key is SubjectPublicKeyInfo DER with its COSE algorithm beside it.
    R"sql(
CREATE TABLE webauthn_credentials (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  credential_id BLOB NOT NULL UNIQUE,
  public_key BLOB NOT NULL,
  cose_alg INTEGER NOT NULL,
  sign_count INTEGER NOT NULL DEFAULT 0,
  aaguid BLOB NOT NULL,
  backup_eligible INTEGER NOT NULL,
  backup_state INTEGER NOT NULL,
  uv_initialized INTEGER NOT NULL,
  attestation_format TEXT NOT NULL,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER
);
CREATE INDEX webauthn_credentials_user ON webauthn_credentials(user_id);
)sql",
    // 5: an enrollment link stays valid until a second factor is enrolled; this marks the password step
    // done, so the link's holder moves on to the factor instead of setting the password again.
    R"sql(
ALTER TABLE enrollment_tokens ADD COLUMN password_set_at INTEGER;
)sql",
    // 6: the account page shows a user their own recent logins; without this each view scans the whole trail.
    R"sql(
CREATE INDEX audit_log_by_user ON audit_log(user, seq);
)sql",
    // 7: break-glass: one sealed emergency code per user (its Argon2id hash), single use.
    R"sql(
CREATE TABLE emergency_codes (
  user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL,
  issued_at INTEGER NOT NULL,
  used_at INTEGER
);
)sql",
    // 8: a security key whose signature counter went backwards may be a copy: it is locked (WA-A-17) until
    // the user removes it or an admin resets the user's factors.
    R"sql(
ALTER TABLE webauthn_credentials ADD COLUMN locked_at INTEGER;
)sql",
    // 9: servers whose pam_sekisho.so reaches authd through the gateway's PAM listener, each with its own
    // token (only its SHA-256 kept), revocable.
    R"sql(
CREATE TABLE pam_hosts (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  token_hash BLOB NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at INTEGER
);
)sql",
};

void apply(database& db, int to) {
  transaction tx(db);
  db.exec(migrations[static_cast<std::size_t>(to - 1)]);
  db.exec("PRAGMA user_version = " + std::to_string(to));
  tx.commit();
}

}  // namespace

int current_version(database& db) {
  auto st = db.prepare("PRAGMA user_version");
  st.step();
  return static_cast<int>(st.column_int(0));
}

void migrate_to(database& db, int version) {
  int v = current_version(db);
  if (v > schema_version)
    throw store_error(db.path().string() + ": the database is from a newer Sekisho (schema " + std::to_string(v) +
                      ", this build knows " + std::to_string(schema_version) + ")");
  for (int next = v + 1; next <= version; ++next) apply(db, next);
}

void migrate(database& db) { migrate_to(db, schema_version); }

}  // namespace sekisho::store
