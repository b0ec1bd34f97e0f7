// The master keys that seal secrets at rest (TOTP seeds): the current key from the master key
// file, plus retired keys so rows sealed before a key rotation (or restored from a backup) still open.
//
// On disk: MASTER (e.g. master.key) holds the current key; MASTER.retired/ (mode 0700) holds one
// file per key that may still open something, named by its id: MASTER.retired/1a2b3c4d.key (0600).
// Keys are only ever added there, never removed by Sekisho, so no step of a rotation or a restore
// can lose a key a row still needs.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string_view>
#include <utility>
#include <vector>

#include "core/util/result.hpp"
#include "core/util/secret.hpp"

namespace sekisho::seal {

inline constexpr std::size_t master_key_size = 32;  // AES-256

// First 4 bytes (big-endian) of SHA-256("sekisho key id v1" || key): names a key without revealing it.
std::uint32_t key_id(std::string_view key);
// "1a2b3c4d": how ids appear in file names, errors and audit records.
std::string key_id_hex(std::uint32_t id);
// MASTER.retired
std::filesystem::path retired_key_dir(const std::filesystem::path& master_key_file);

class keyring {
 public:
  // Reads the 32-byte key file and every key in its retired directory (when there is one); refuses
  // symlinks, group/other permissions and wrong sizes.
  static result<keyring> load(const std::filesystem::path& master_key_file);
  // Creates a fresh random key file with mode 0600; never overwrites an existing file.
  static result<void> create(const std::filesystem::path& master_key_file);
  // Adds `key` to the retired directory (created 0700 when missing), atomically.
  static result<void> retire(const std::filesystem::path& master_key_file, const secret& key);
  // Makes `key` the current key: the master key file is replaced atomically (temp file + rename).
  static result<void> install(const std::filesystem::path& master_key_file, const secret& key);

  // A key that no longer seals but still opens what it sealed.
  void add_retired(secret key);
  // A ring sealing with `next` that still opens everything this one opens.
  keyring rotated_to(secret next) const;

  std::uint32_t current_id() const { return current_.first; }
  const secret& current() const { return current_.second; }
  // The key with this id (current or retired), or nullptr.
  const secret* find(std::uint32_t id) const;
  // Every retired key (not the current one).
  std::vector<secret> retired() const;

 private:
  explicit keyring(secret key);

  using entry = std::pair<std::uint32_t, secret>;
  entry current_;
  std::vector<entry> retired_;
};

}  // namespace sekisho::seal
