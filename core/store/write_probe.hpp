// Proves the database still takes writes (disk full, read-only remount, a lock held for good) without growing it:
// /.sekisho/health asks authd this.
#pragma once
#include "core/store/database.hpp"

namespace sekisho::store {

// Commits one write that changes nothing: the header's user_version, set to the value it has. The commit
// appends a frame to the WAL (reused after each checkpoint), so the file never grows. False on any store
// failure; never throws store_error.
bool probe_writable(database& db);

}  // namespace sekisho::store
