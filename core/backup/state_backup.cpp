#include "core/backup/state_backup.hpp"

#include <optional>

#include "core/audit/audit_chain.hpp"
#include "core/seal/keyring.hpp"
#include "core/store/backup.hpp"
#include "core/util/key_file.hpp"

namespace sekisho::backup {
namespace {

error interrupted(const std::string& why) {
  return make_error(why + " (the restore stopped halfway: every key is kept; fix this and run it again)");
}

}  // namespace

result<backup_contents> collect_state(store::database& db, const config& cfg) {
  backup_contents c;
  auto image = store::database_image(db);
  if (!image) return image.err();
  c.database = std::move(*image);
  auto keys = seal::keyring::load(cfg.master_key_file);
  if (!keys) return keys.err();
  c.master_key = keys->current();
  c.retired_keys = keys->retired();
  auto audit_key = read_key_file(cfg.audit.key_file, audit::audit_key_size);
  if (!audit_key) return audit_key.err();
  c.audit_key = std::move(*audit_key);
  return c;
}

result<void> restore_state(const backup_contents& c, store::database& db, const config& cfg) {
  if (auto r = store::check_image(c.database.view(), "the backup's database"); !r) return r;
  std::error_code ec;
  std::optional<seal::keyring> here;
  if (std::filesystem::exists(cfg.master_key_file, ec)) {
    auto k = seal::keyring::load(cfg.master_key_file);
    if (!k) return k.err();
    here.emplace(std::move(*k));
  }
  // From here on the state changes. Order: first every key either database needs is in the ring
  // (retired), so the rows open whether or not the database copy below has happened; then the
  // database (one atomic copy); only then the current key, and last the audit key.
  if (here)
    if (auto r = seal::keyring::retire(cfg.master_key_file, here->current()); !r) return interrupted(r.message());
  if (auto r = seal::keyring::retire(cfg.master_key_file, c.master_key); !r) return interrupted(r.message());
  for (const auto& k : c.retired_keys)
    if (auto r = seal::keyring::retire(cfg.master_key_file, k); !r) return interrupted(r.message());
  if (auto r = store::restore_image(c.database.view(), db); !r) return interrupted(r.message());
  if (auto r = seal::keyring::install(cfg.master_key_file, c.master_key); !r) return interrupted(r.message());
  if (auto r = replace_key_file(cfg.audit.key_file, c.audit_key); !r) return interrupted(r.message());
  return {};
}

}  // namespace sekisho::backup
