// Schema migrations, numbered by PRAGMA user_version. Each migration runs in one transaction.
#pragma once

namespace sekisho::store {

class database;

inline constexpr int schema_version = 9;

// Brings the database to schema_version. Refuses a database newer than this build knows.
void migrate(database& db);
// Brings the database to exactly `version` (≤ schema_version): tests build old databases with it.
void migrate_to(database& db, int version);
int current_version(database& db);

}  // namespace sekisho::store
