#include "core/store/audit_store.hpp"

#include <sqlite3.h>

#include "core/audit/audit_chain.hpp"

namespace sekisho::store {

std::int64_t append_audit(database& db, const secret& key, const audit::audit_event& e, std::int64_t now) {
  audit::assert_no_secrets(e);
  // Autocommit mode means no transaction is open: then this append is its own transaction.
  std::optional<transaction> own;
  if (sqlite3_get_autocommit(db.handle()) != 0) own.emplace(db);

  const auto head = audit_head(db);
  const std::int64_t seq = head ? head->seq + 1 : 1;
  const std::string prev = head ? head->hash : audit::genesis_hash();
  const std::string hash = audit::chain_hash(key, prev, seq, now, e);

  auto st = db.prepare(
      "INSERT INTO audit_log(seq, time, event, user, source, channel, method, result, details, prev_hash, hash) "
      "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  st.bind(1, seq).bind(2, now).bind(3, e.event).bind(4, e.user).bind(5, e.source).bind(6, e.channel);
  st.bind(7, e.method).bind(8, e.result).bind(9, e.details).bind_blob(10, prev).bind_blob(11, hash);
  st.run();
  if (own) own->commit();
  return seq;
}

std::optional<chain_head> audit_head(database& db) {
  auto st = db.prepare("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
  if (!st.step()) return std::nullopt;
  return chain_head{st.column_int(0), st.column_blob(1)};
}

void for_each_audit_record(database& db, std::optional<std::int64_t> since,
                           const std::function<bool(const audit::audit_record&)>& visit) {
  auto st = db.prepare(
      "SELECT seq, time, event, user, source, channel, method, result, details, prev_hash, hash "
      "FROM audit_log WHERE ?1 IS NULL OR time >= ?1 ORDER BY seq");
  if (since) st.bind(1, *since);
  else st.bind_null(1);
  while (st.step()) {
    audit::audit_record r;
    r.seq = st.column_int(0);
    r.time = st.column_int(1);
    r.event = st.column_text(2);
    r.user = st.column_text(3);
    r.source = st.column_text(4);
    r.channel = st.column_text(5);
    r.method = st.column_text(6);
    r.result = st.column_text(7);
    r.details = st.column_text(8);
    r.prev_hash = st.column_blob(9);
    r.hash = st.column_blob(10);
    if (!visit(r)) return;
  }
}

namespace {

// The user's records that `which` selects (an SQL condition in which ?1 is the user), newest first.
std::vector<login_record> records_of(database& db, std::string_view user, std::string_view which, int limit) {
  auto st = db.prepare("SELECT time, event, result, source, channel, method FROM audit_log WHERE user = ?1 AND (" +
                       std::string(which) + ") ORDER BY seq DESC LIMIT ?2");
  st.bind(1, user).bind(2, std::int64_t{limit});
  std::vector<login_record> out;
  while (st.step())
    out.push_back({st.column_int(0), st.column_text(1), st.column_text(2), st.column_text(3), st.column_text(4),
                   st.column_text(5)});
  return out;
}

}  // namespace

std::vector<login_record> recent_logins(database& db, std::string_view user, int limit) {
  // A right password alone is a step, not a login: its record says "success" (or "info", not enrolled).
  return records_of(db, user,
                    "event = 'login.second_factor' OR (event = 'login.password' AND result NOT IN ('success', 'info'))",
                    limit);
}

std::vector<login_record> account_changes_since_last_login(database& db, std::string_view user, int limit) {
  // After the record of the user's last completed login (by sequence, not time: seconds are too coarse);
  // none when there was no login yet.
  return records_of(db, user,
                    "seq > (SELECT max(seq) FROM audit_log WHERE user = ?1 AND event = 'login.second_factor' AND "
                    "result = 'success') AND result IN ('success', 'warning') AND event IN ('webauthn.register', "
                    "'webauthn.remove', 'totp.add', 'totp.remove', 'account.password', 'user.passwd', 'recovery_codes.generate', "
                    "'user.reset_factors', 'break_glass.open', 'webauthn.cloned')",
                    limit);
}

}  // namespace sekisho::store
