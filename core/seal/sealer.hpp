// Secrets at rest (TOTP seeds) sealed with AES-256-GCM and bound to the row that holds them, so a
// sealed value copied to another row, table or user does not open.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "core/seal/keyring.hpp"
#include "core/util/result.hpp"
#include "core/util/secret.hpp"

namespace sekisho::seal {

// Where a sealed value lives. All three go into the GCM additional data.
struct binding {
  std::string_view table;
  std::int64_t row;
  std::int64_t user;
};

// Format: version 0x01 ‖ key id (4 B, big-endian) ‖ 12-byte random nonce ‖ ciphertext ‖ 16-byte tag.
// AAD: "sekisho-seal-v1" ‖ 0x00 ‖ table ‖ 0x00 ‖ row (8 B BE) ‖ user (8 B BE) ‖ version ‖ key id.
// Seals with the keyring's current key.
std::string seal(const keyring& keys, std::string_view plaintext, const binding& where);

// Opens a value sealed by seal() with any key of the keyring (current or retired).
// Errors: "sealed value is damaged or belongs elsewhere", "sealed with an unknown key (id 0x…)".
result<secret> unseal(const keyring& keys, std::string_view sealed, const binding& where);

}  // namespace sekisho::seal
