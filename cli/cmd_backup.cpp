// `sekisho backup` and `sekisho restore`.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/admin_context.hpp"
#include "cli/command.hpp"
#include "core/store/backup.hpp"

namespace sekisho::cli {
namespace {

namespace fs = std::filesystem;

int run_backup(const args& a, const fs::path& config_path) {
  auto ctx = admin_context::open(config_path, false);
  if (!ctx) return fail(ctx.message());
  const fs::path to = a.positional[0];
  if (auto r = store::backup_to(ctx->db, to); !r) return fail(r.message());
  ctx->audit("system.backup", "", "success",
             "\"file\":" + nlohmann::json(to.filename().string())
                                 .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  std::cout << "Backup written to " << to.string() << " / バックアップを作成しました\n"
            << "The keys are not in it: keep copies of " << ctx->cfg.master_key_file.string() << " and "
            << ctx->cfg.audit.key_file.string() << " in a separate safe place.\n";
  return exit_ok;
}

int run_restore(const args& a, const fs::path& config_path) {
  auto ctx = admin_context::open(config_path, false);
  if (!ctx) return fail(ctx.message());
  if (auto r = store::restore_from(a.positional[0], ctx->db); !r) return fail(r.message());
  ctx->audit("system.restore", "", "success");
  std::cout << "Restored from " << a.positional[0] << " / 復元しました. Restart authd.\n";
  return exit_ok;
}

}  // namespace

std::vector<command> backup_commands() {
  return {
      {"backup", "write a consistent copy of the database while Sekisho runs",
       "FILE\n\nFILE must not exist; it is created with mode 0600. The master and audit keys are\n"
       "separate files: back them up too, apart from the database copies.",
       {{}, {}, 1, 1}, run_backup},
      {"restore", "replace the database with a backup (checked before anything is changed)",
       "FILE\n\nThe backup is checked (integrity, Sekisho schema, not from a newer version) before the\n"
       "current database is touched; an older backup is migrated. Stop authd first.",
       {{}, {}, 1, 1}, run_restore},
  };
}

}  // namespace sekisho::cli
