// Key rotation: a new master key, and every sealed secret (the TOTP seeds) re-sealed with it in one
// transaction, the old key kept as retired.
#pragma once
#include <cstdint>
#include <filesystem>

#include "core/seal/keyring.hpp"
#include "core/store/database.hpp"
#include "core/util/result.hpp"

namespace sekisho::store {

// Opens every sealed value with `keys` (current or retired) and seals it again with keys.current(),
// in one transaction. A value that does not open stops it (nothing changed) with an error naming the
// row. Returns how many values were re-sealed.
result<int> reseal_secrets(database& db, const seal::keyring& keys);

struct rotation_report {
  std::uint32_t old_id = 0;
  std::uint32_t new_id = 0;
  int resealed = 0;
};
// The whole rotation of the master key file `master_key_file` (see the .cpp for why its order is
// safe at every step). Callers make sure no running authd still holds the old keyring.
result<rotation_report> rotate_master_key(database& db, const std::filesystem::path& master_key_file);

}  // namespace sekisho::store
