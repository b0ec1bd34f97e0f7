// What a backup holds: the database and the keys without which it is useless (the master key opens
// the TOTP seeds, the audit key verifies the audit chain). Packed as a list of named parts; the
// encryption around it is backup_file.hpp's.
#pragma once
#include <string_view>
#include <vector>

#include "core/util/result.hpp"
#include "core/util/secret.hpp"

namespace sekisho::backup {

struct backup_contents {
  secret database;                   // a self-contained SQLite file (store::database_image)
  secret master_key;                 // the key that sealed at backup time
  std::vector<secret> retired_keys;  // older keys some rows may still be sealed with
  secret audit_key;
};

// Parts, in order: name length (1 byte) ‖ name ‖ value length (8 bytes, big-endian) ‖ value; names
// "database", "master.key", "retired.key" (any number), "audit.key", after "SEKISHO-CONTENTS v1\n".
secret pack_contents(const backup_contents& c);
// Refuses a missing or repeated part, an unknown name and keys of the wrong size.
result<backup_contents> unpack_contents(std::string_view packed);

}  // namespace sekisho::backup
