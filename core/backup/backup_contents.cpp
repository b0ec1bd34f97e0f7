#include "core/backup/backup_contents.hpp"

#include <cstdint>
#include <string>

#include "core/audit/audit_chain.hpp"
#include "core/seal/keyring.hpp"

namespace sekisho::backup {
namespace {

constexpr std::string_view contents_magic = "SEKISHO-CONTENTS v1\n";

void put_part(secret& out, std::string_view name, std::string_view value) {
  out.append(std::string(1, static_cast<char>(name.size())));
  out.append(name);
  std::string len;
  for (int i = 7; i >= 0; --i) len.push_back(static_cast<char>((std::uint64_t{value.size()} >> (8 * i)) & 0xFF));
  out.append(len);
  out.append(value);
}

error damaged(std::string_view why) { return make_error("the backup's contents are damaged: " + std::string(why)); }

}  // namespace

secret pack_contents(const backup_contents& c) {
  secret out(contents_magic);
  put_part(out, "database", c.database.view());
  put_part(out, "master.key", c.master_key.view());
  for (const auto& k : c.retired_keys) put_part(out, "retired.key", k.view());
  put_part(out, "audit.key", c.audit_key.view());
  return out;
}

result<backup_contents> unpack_contents(std::string_view in) {
  if (in.substr(0, contents_magic.size()) != contents_magic) return damaged("no contents header");
  in.remove_prefix(contents_magic.size());
  backup_contents c;
  bool have_db = false, have_master = false, have_audit = false;
  while (!in.empty()) {
    const std::size_t name_len = static_cast<unsigned char>(in[0]);
    if (in.size() < 1 + name_len + 8) return damaged("a part is cut short");
    const std::string_view name = in.substr(1, name_len);
    std::uint64_t len = 0;
    for (std::size_t i = 0; i < 8; ++i) len = (len << 8) | static_cast<unsigned char>(in[1 + name_len + i]);
    in.remove_prefix(1 + name_len + 8);
    if (len > in.size()) return damaged("a part is cut short");
    const std::string_view value = in.substr(0, static_cast<std::size_t>(len));
    in.remove_prefix(static_cast<std::size_t>(len));
    bool* seen = name == "database" ? &have_db : name == "master.key" ? &have_master : name == "audit.key" ? &have_audit : nullptr;
    if (seen && *seen) return damaged("part '" + std::string(name) + "' appears twice");
    if (seen) *seen = true;
    if (name == "database") {
      c.database = secret(value);
    } else if (name == "master.key" || name == "retired.key") {
      if (value.size() != seal::master_key_size) return damaged("a master key has the wrong size");
      (name == "master.key" ? c.master_key : c.retired_keys.emplace_back()) = secret(value);
    } else if (name == "audit.key") {
      if (value.size() != audit::audit_key_size) return damaged("the audit key has the wrong size");
      c.audit_key = secret(value);
    } else {
      return damaged("unknown part '" + std::string(name) + "'");
    }
  }
  if (!have_db || !have_master || !have_audit) return damaged("the database or a key is missing");
  return c;
}

}  // namespace sekisho::backup
