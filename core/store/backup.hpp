// Online backup and restore through SQLite's backup API: a consistent copy even while authd
// is writing. Keys are not in the database; back them up separately (docs/operations).
#pragma once
#include <filesystem>

#include "core/store/database.hpp"
#include "core/util/result.hpp"

namespace sekisho::store {

// Writes a consistent copy of `db` to a new file `to` (mode 0600). Refuses to overwrite.
result<void> backup_to(database& db, const std::filesystem::path& to);
// Checks that `from` is an intact Sekisho database this build can read, then replaces the
// contents of `db` with it and migrates it to the current schema.
result<void> restore_from(const std::filesystem::path& from, database& db);

}  // namespace sekisho::store
