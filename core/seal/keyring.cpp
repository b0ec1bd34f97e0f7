#include "core/seal/keyring.hpp"

#include <cassert>

#include "core/util/digest.hpp"
#include "core/util/key_file.hpp"

namespace sekisho::seal {

std::uint32_t key_id(std::string_view key) {
  secret input(std::string_view("sekisho key id v1"));
  input.append(key);
  const std::string digest = sha256(input.view());
  std::uint32_t id = 0;
  for (int i = 0; i < 4; ++i) id = (id << 8) | static_cast<unsigned char>(digest[static_cast<std::size_t>(i)]);
  return id;
}

keyring::keyring(secret key) : current_(key_id(key.view()), std::move(key)) {}

result<keyring> keyring::load(const std::filesystem::path& master_key_file) {
  auto key = read_key_file(master_key_file, master_key_size);
  if (!key) return key.err();
  return keyring(std::move(*key));
}

result<void> keyring::create(const std::filesystem::path& master_key_file) {
  return create_key_file(master_key_file, master_key_size);
}

void keyring::add_retired(secret key) {
  assert(key.size() == master_key_size);
  const auto id = key_id(key.view());
  if (find(id) != nullptr) return;  // already known (or the current key itself)
  retired_.emplace_back(id, std::move(key));
}

const secret* keyring::find(std::uint32_t id) const {
  if (id == current_.first) return &current_.second;
  for (const auto& [rid, key] : retired_)
    if (rid == id) return &key;
  return nullptr;
}

}  // namespace sekisho::seal
