// Taking a state directory's backup (database + keys) and putting one back, in an order that keeps
// every sealed row openable if the restore stops halfway.
#pragma once
#include "core/backup/backup_contents.hpp"
#include "core/config/config.hpp"
#include "core/store/database.hpp"
#include "core/util/result.hpp"

namespace sekisho::backup {

// A consistent copy of the database, then the keys read after it: keys are only ever added
// (keyring.hpp), so the keys read later open every row of the earlier copy, even across a rotation.
result<backup_contents> collect_state(store::database& db, const config& cfg);

// Checks everything first (database intact, Sekisho's, not newer), then changes the state: all keys
// retired (the ones here and the backup's), the database replaced and migrated, the backup's master
// key made current, the audit key written back. Run again after an interruption.
result<void> restore_state(const backup_contents& c, store::database& db, const config& cfg);

}  // namespace sekisho::backup
