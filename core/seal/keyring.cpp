#include "core/seal/keyring.hpp"

#include <sys/stat.h>

#include <cassert>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <regex>

#include "core/util/digest.hpp"
#include "core/util/key_file.hpp"

namespace sekisho::seal {
namespace {

// Loads MASTER.retired/*.key into `keys`. No directory: nothing retired yet.
result<void> load_retired(keyring& keys, const std::filesystem::path& master_key_file) {
  const auto dir = retired_key_dir(master_key_file);
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) {
    if (errno == ENOENT) return {};
    return make_error(dir.string() + ": " + std::strerror(errno));
  }
  if (!S_ISDIR(st.st_mode)) return make_error(dir.string() + ": not a directory (a symlink is refused)");
  if ((st.st_mode & 077) != 0) return make_error(dir.string() + ": readable by others (chmod 700 it)");
  static const std::regex name("[0-9a-f]{8}\\.key");  // leaves *.tmp of an interrupted write alone
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (!std::regex_match(e.path().filename().string(), name)) continue;
    auto key = read_key_file(e.path(), master_key_size);
    if (!key) return key.err();
    keys.add_retired(std::move(*key));
  }
  if (ec) return make_error(dir.string() + ": " + ec.message());
  return {};
}

}  // namespace

std::uint32_t key_id(std::string_view key) {
  secret input(std::string_view("sekisho key id v1"));
  input.append(key);
  const std::string digest = sha256(input.view());
  std::uint32_t id = 0;
  for (int i = 0; i < 4; ++i) id = (id << 8) | static_cast<unsigned char>(digest[static_cast<std::size_t>(i)]);
  return id;
}

std::string key_id_hex(std::uint32_t id) {
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08x", id);
  return hex;
}

std::filesystem::path retired_key_dir(const std::filesystem::path& master_key_file) {
  return master_key_file.native() + ".retired";
}

keyring::keyring(secret key) : current_(key_id(key.view()), std::move(key)) {}

result<keyring> keyring::load(const std::filesystem::path& master_key_file) {
  auto key = read_key_file(master_key_file, master_key_size);
  if (!key) return key.err();
  keyring keys(std::move(*key));
  if (auto r = load_retired(keys, master_key_file); !r) return r.err();
  return keys;
}

result<void> keyring::create(const std::filesystem::path& master_key_file) {
  return create_key_file(master_key_file, master_key_size);
}

result<void> keyring::retire(const std::filesystem::path& master_key_file, const secret& key) {
  assert(key.size() == master_key_size);
  const auto dir = retired_key_dir(master_key_file);
  if (::mkdir(dir.c_str(), 0700) == 0) {
    // Owned like the master key file, so the service user that reads one reads the other.
    struct stat st {};
    if (::stat(master_key_file.c_str(), &st) == 0 && ::chown(dir.c_str(), st.st_uid, st.st_gid) != 0)
      return make_error(dir.string() + ": cannot give the directory the master key's owner: " + std::strerror(errno));
  } else if (errno != EEXIST) {
    return make_error(dir.string() + ": cannot create the directory: " + std::strerror(errno));
  }
  return replace_key_file(dir / (key_id_hex(key_id(key.view())) + ".key"), key);
}

result<void> keyring::install(const std::filesystem::path& master_key_file, const secret& key) {
  assert(key.size() == master_key_size);
  return replace_key_file(master_key_file, key);
}

void keyring::add_retired(secret key) {
  assert(key.size() == master_key_size);
  const auto id = key_id(key.view());
  if (find(id) != nullptr) return;  // already known (or the current key itself)
  retired_.emplace_back(id, std::move(key));
}

keyring keyring::rotated_to(secret next) const {
  keyring out(std::move(next));
  out.add_retired(current_.second);
  for (const auto& [id, key] : retired_) out.add_retired(key);
  return out;
}

const secret* keyring::find(std::uint32_t id) const {
  if (id == current_.first) return &current_.second;
  for (const auto& [rid, key] : retired_)
    if (rid == id) return &key;
  return nullptr;
}

std::vector<secret> keyring::retired() const {
  std::vector<secret> out;
  for (const auto& [id, key] : retired_) out.push_back(key);
  return out;
}

}  // namespace sekisho::seal
