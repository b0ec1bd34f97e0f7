#include "core/store/host_store.hpp"

namespace sekisho::store {
namespace {

pam_host host_at(statement& st) {
  pam_host h{st.column_int(0), st.column_text(1), st.column_int(2), std::nullopt, std::nullopt};
  if (!st.column_is_null(3)) h.last_used_at = st.column_int(3);
  if (!st.column_is_null(4)) h.revoked_at = st.column_int(4);
  return h;
}

}  // namespace

bool add_pam_host(database& db, std::string_view name, std::string_view token_hash, std::int64_t now) {
  auto st = db.prepare(
      "INSERT INTO pam_hosts(name, token_hash, created_at) VALUES(?, ?, ?) "
      "ON CONFLICT(name) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at, "
      "last_used_at = NULL, revoked_at = NULL WHERE revoked_at IS NOT NULL");
  st.bind(1, name).bind_blob(2, token_hash).bind(3, now).run();
  return db.changes() == 1;
}

bool revoke_pam_host(database& db, std::string_view name, std::int64_t now) {
  auto st = db.prepare("UPDATE pam_hosts SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL");
  st.bind(1, now).bind(2, name).run();
  return db.changes() == 1;
}

std::optional<pam_host> use_pam_host_token(database& db, std::string_view token_hash, std::int64_t now) {
  auto st = db.prepare(
      "UPDATE pam_hosts SET last_used_at = ? WHERE token_hash = ? AND revoked_at IS NULL "
      "RETURNING id, name, created_at, last_used_at, revoked_at");
  st.bind(1, now).bind_blob(2, token_hash);
  if (!st.step()) return std::nullopt;
  return host_at(st);
}

std::vector<pam_host> list_pam_hosts(database& db) {
  auto st = db.prepare("SELECT id, name, created_at, last_used_at, revoked_at FROM pam_hosts ORDER BY name");
  std::vector<pam_host> out;
  while (st.step()) out.push_back(host_at(st));
  return out;
}

}  // namespace sekisho::store
