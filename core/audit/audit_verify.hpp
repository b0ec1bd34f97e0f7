// Checks the audit chain end to end and names the first record that is not what was written.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "core/store/audit_store.hpp"
#include "core/util/secret.hpp"

namespace sekisho::audit {

struct verify_report {
  bool ok = true;
  std::int64_t records = 0;        // records checked and found good
  std::int64_t first_bad_seq = 0;  // 0 when ok
  std::string problem;             // one line for the admin, empty when ok
  std::optional<store::chain_head> head;  // the last good record
};

// What is detected, and which seq is named:
//  - a field edited, or a record forged without the key   → that record ("record 17 was edited or forged")
//  - a record deleted (seq gap)                             → the missing seq ("record 17 is missing (gap after 16)")
//  - records deleted and the rest renumbered, or records
//    swapped/moved (link to the predecessor broken)         → the first record out of place
//  - the tail cut off: only with `expected_head` (seq, hex hash) taken from syslog
//                                                           → the first missing seq, or the head's seq when
//                                                             the record there differs from what was logged
// A chain longer than the expected head is fine: records were appended after it was logged.
// Throws store::store_error when the database cannot be read.
verify_report verify_chain(store::database& db, const secret& key,
                           std::optional<std::pair<std::int64_t, std::string>> expected_head = std::nullopt);

}  // namespace sekisho::audit
