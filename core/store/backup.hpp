// Online backup and restore of the database through SQLite's backup API: a consistent copy even
// while authd is writing, as an in-memory image, so no plaintext copy ever lands on disk. The keys
// and the encryption are core/backup's.
#pragma once
#include <string_view>

#include "core/store/database.hpp"
#include "core/util/result.hpp"
#include "core/util/secret.hpp"

namespace sekisho::store {

// A consistent copy of `db` as the bytes of a self-contained SQLite file (no -wal beside it).
result<secret> database_image(database& db);
// Checks that `image` is an intact Sekisho database this build can read (names `label` in errors).
result<void> check_image(std::string_view image, std::string_view label);
// check_image, then replaces the contents of `db` with `image` and migrates it to the current schema.
result<void> restore_image(std::string_view image, database& db);

}  // namespace sekisho::store
