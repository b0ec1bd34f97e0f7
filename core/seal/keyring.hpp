// The master keys that seal secrets at rest (TOTP seeds): the current key from the master key
// file, plus retired keys so rows sealed before a key rotation still open.
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

class keyring {
 public:
  // Reads a 32-byte key file; refuses symlinks, group/other permissions and wrong sizes.
  static result<keyring> load(const std::filesystem::path& master_key_file);
  // Creates a fresh random key file with mode 0600; never overwrites an existing file.
  static result<void> create(const std::filesystem::path& master_key_file);

  // A key that no longer seals but still opens what it sealed.
  void add_retired(secret key);

  std::uint32_t current_id() const { return current_.first; }
  const secret& current() const { return current_.second; }
  // The key with this id (current or retired), or nullptr.
  const secret* find(std::uint32_t id) const;

 private:
  explicit keyring(secret key);

  using entry = std::pair<std::uint32_t, secret>;
  entry current_;
  std::vector<entry> retired_;
};

}  // namespace sekisho::seal
