#include "core/store/webauthn_store.hpp"

namespace sekisho::store {
namespace {

constexpr std::string_view columns =
    "SELECT id, user_id, credential_id, public_key, cose_alg, sign_count, aaguid, backup_eligible, backup_state, "
    "uv_initialized, attestation_format, name, created_at, last_used_at, locked_at FROM webauthn_credentials ";

webauthn_row read_row(statement& st) {
  webauthn_row r;
  r.id = st.column_int(0);
  r.user_id = st.column_int(1);
  r.credential_id = st.column_blob(2);
  r.public_key = st.column_blob(3);
  r.cose_alg = static_cast<int>(st.column_int(4));
  r.sign_count = st.column_int(5);
  r.aaguid = st.column_blob(6);
  r.backup_eligible = st.column_int(7) != 0;
  r.backup_state = st.column_int(8) != 0;
  r.uv_initialized = st.column_int(9) != 0;
  r.attestation_format = st.column_text(10);
  r.name = st.column_text(11);
  r.created_at = st.column_int(12);
  if (!st.column_is_null(13)) r.last_used_at = st.column_int(13);
  if (!st.column_is_null(14)) r.locked_at = st.column_int(14);
  return r;
}

}  // namespace

std::int64_t insert_webauthn_credential(database& db, const webauthn_row& r) {
  auto st = db.prepare(
      "INSERT INTO webauthn_credentials(user_id, credential_id, public_key, cose_alg, sign_count, aaguid, "
      "backup_eligible, backup_state, uv_initialized, attestation_format, name, created_at) "
      "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  st.bind(1, r.user_id).bind_blob(2, r.credential_id).bind_blob(3, r.public_key).bind(4, std::int64_t{r.cose_alg});
  st.bind(5, r.sign_count).bind_blob(6, r.aaguid).bind(7, std::int64_t{r.backup_eligible});
  st.bind(8, std::int64_t{r.backup_state}).bind(9, std::int64_t{r.uv_initialized}).bind(10, r.attestation_format);
  st.bind(11, r.name).bind(12, r.created_at).run();
  return db.last_insert_id();
}

std::optional<webauthn_row> find_webauthn_credential(database& db, std::string_view credential_id) {
  auto st = db.prepare(std::string(columns) + "WHERE credential_id = ?");
  st.bind_blob(1, credential_id);
  if (!st.step()) return std::nullopt;
  return read_row(st);
}

std::vector<webauthn_row> webauthn_for_user(database& db, std::int64_t user_id) {
  auto st = db.prepare(std::string(columns) + "WHERE user_id = ? ORDER BY id");
  st.bind(1, user_id);
  std::vector<webauthn_row> out;
  while (st.step()) out.push_back(read_row(st));
  return out;
}

void lock_webauthn_credential(database& db, std::int64_t row_id, std::int64_t now) {
  auto st = db.prepare("UPDATE webauthn_credentials SET locked_at = ? WHERE id = ? AND locked_at IS NULL");
  st.bind(1, now).bind(2, row_id).run();
}

int count_webauthn_for_user(database& db, std::int64_t user_id) {
  auto st = db.prepare("SELECT count(*) FROM webauthn_credentials WHERE user_id = ?");
  st.bind(1, user_id);
  st.step();
  return static_cast<int>(st.column_int(0));
}

bool record_webauthn_use(database& db, std::int64_t row_id, std::int64_t sign_count, bool backup_state,
                         bool user_verified, std::int64_t now) {
  auto st = db.prepare(
      "UPDATE webauthn_credentials SET sign_count = ?1, backup_state = ?2, "
      "uv_initialized = max(uv_initialized, ?3), last_used_at = ?4 "
      "WHERE id = ?5 AND (sign_count < ?1 OR (sign_count = 0 AND ?1 = 0))");
  st.bind(1, sign_count).bind(2, std::int64_t{backup_state}).bind(3, std::int64_t{user_verified}).bind(4, now);
  st.bind(5, row_id).run();
  return db.changes() == 1;
}

bool rename_webauthn_credential(database& db, std::int64_t user_id, std::string_view credential_id,
                                std::string_view name) {
  auto st = db.prepare("UPDATE webauthn_credentials SET name = ? WHERE user_id = ? AND credential_id = ?");
  st.bind(1, name).bind(2, user_id).bind_blob(3, credential_id).run();
  return db.changes() == 1;
}

bool delete_webauthn_credential(database& db, std::int64_t user_id, std::string_view credential_id) {
  auto st = db.prepare("DELETE FROM webauthn_credentials WHERE user_id = ? AND credential_id = ?");
  st.bind(1, user_id).bind_blob(2, credential_id).run();
  return db.changes() == 1;
}

void delete_webauthn_for_user(database& db, std::int64_t user_id) {
  auto st = db.prepare("DELETE FROM webauthn_credentials WHERE user_id = ?");
  st.bind(1, user_id).run();
}

}  // namespace sekisho::store
