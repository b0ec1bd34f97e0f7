// The audit_log table: appending to the hash chain and reading it back in order.
// The chain itself (what a hash covers) is core/audit/audit_chain.hpp.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/audit/audit_event.hpp"
#include "core/store/database.hpp"
#include "core/util/secret.hpp"

namespace sekisho::store {

struct chain_head {
  std::int64_t seq = 0;
  std::string hash;  // raw 32 bytes
};

// Appends `e` at time `now` as the next record of the chain and returns its seq.
// Inside the caller's open transaction it joins it (the record commits or rolls back together
// with the state change it describes); otherwise it runs in its own BEGIN IMMEDIATE transaction.
// Either way the write lock is held from reading the head to inserting, so concurrent writers,
// in this or another process, produce one chain. (A caller's transaction must be a
// store::transaction, i.e. IMMEDIATE; under a deferred BEGIN a racing writer gets store_error,
// never a fork, because seq is the primary key.) Throws store_error on database failure.
std::int64_t append_audit(database& db, const secret& key, const audit::audit_event& e, std::int64_t now);

// The last record's (seq, hash), or nullopt for an empty trail.
std::optional<chain_head> audit_head(database& db);

// Calls `visit` for each record in seq order, only those with time >= *since when given;
// stops early when `visit` returns false. Reads one consistent snapshot.
void for_each_audit_record(database& db, std::optional<std::int64_t> since,
                           const std::function<bool(const audit::audit_record&)>& visit);

// One login as the user sees it on the account page: a finished login (the second factor's record) or a
// failed step.
struct login_record {
  std::int64_t time = 0;
  std::string event;
  std::string result;  // "success", or why not ("failure", "throttled", "locked", "denied")
  std::string source;
  std::string channel;
  std::string method;
};
// The user's last `limit` logins, newest first.
std::vector<login_record> recent_logins(database& db, std::string_view user, int limit);
// What changed in the user's account since their last completed login (keys, apps, password, recovery codes,
// emergency access), newest first: what the next login tells the user about (NIST SP 800-63B-4 §4.1.2.1,
// notification of a new binding). Read it before the new login is recorded.
std::vector<login_record> account_changes_since_last_login(database& db, std::string_view user, int limit);

}  // namespace sekisho::store
