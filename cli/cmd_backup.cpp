// `sekisho backup` and `sekisho restore`: one encrypted file holding the database and its keys.
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli/admin_context.hpp"
#include "cli/authd_lock.hpp"
#include "cli/command.hpp"
#include "cli/passphrase.hpp"
#include "core/backup/backup_file.hpp"
#include "core/backup/generations.hpp"
#include "core/backup/private_file.hpp"
#include "core/backup/state_backup.hpp"

namespace sekisho::cli {
namespace {

namespace fs = std::filesystem;

std::string json_string(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<std::string> passphrase_file(const args& a) {
  if (a.options.count("--passphrase-file") == 0) return std::nullopt;
  return a.get("--passphrase-file");
}

// FILE, or DIR/sekisho-….skb with --dir; "" after printing the usage error.
fs::path backup_target(const args& a, const admin_context& ctx) {
  const bool dir = a.options.count("--dir") > 0;
  if (dir == !a.positional.empty() || (a.options.count("--keep") > 0 && !dir)) {
    std::cerr << "sekisho backup: give either FILE, or --dir DIR [--keep N]\n";
    return {};
  }
  return dir ? fs::path(a.get("--dir")) / backup::generation_name(ctx.now()) : fs::path(a.positional[0]);
}

int run_backup(const args& a, const fs::path& config_path) {
  std::size_t keep = 0;
  if (a.options.count("--keep") > 0) {
    const std::string k = a.get("--keep");
    if (k.empty() || k.size() > 6 || k.find_first_not_of("0123456789") != std::string::npos || std::stoul(k) == 0) {
      std::cerr << "sekisho backup: --keep needs a number of backups to keep, 1 or more\n";
      return exit_usage;
    }
    keep = std::stoul(k);
  }
  auto ctx = admin_context::open(config_path, false);
  if (!ctx) return fail(ctx.message());
  const fs::path to = backup_target(a, *ctx);
  if (to.empty()) return exit_usage;
  if (std::error_code ec; fs::exists(to, ec) || fs::is_symlink(to, ec))
    return fail(to.string() + ": exists already; a backup is never overwritten");
  auto passphrase = read_passphrase(passphrase_file(a), true);
  if (!passphrase) return fail(passphrase.message());
  auto contents = backup::collect_state(ctx->db, ctx->cfg);
  if (!contents) return fail(contents.message());
  const std::string file =
      backup::encrypt_backup(backup::pack_contents(*contents).view(), *passphrase, backup::default_kdf());
  if (auto r = backup::write_new_private_file(to, file); !r) return fail(r.message());
  ctx->audit("system.backup", "", "success", "\"file\":" + json_string(to.filename().string()));
  std::cout << "Backup written to " << to.string() << " / バックアップを作成しました\n"
            << "It holds the database and its keys, encrypted with the passphrase: keep the passphrase apart\n"
            << "from the backup; without it the backup cannot be restored.\n";
  if (keep > 0) {
    auto deleted = backup::prune_generations(to.parent_path(), keep);
    if (!deleted) return fail(deleted.message());
    for (const auto& name : *deleted) std::cout << "Deleted the old backup " << name << "\n";
  }
  return exit_ok;
}

int run_restore(const args& a, const fs::path& config_path) {
  auto ctx = admin_context::open(config_path, false);
  if (!ctx) return fail(ctx.message());
  const auto lock = authd_lock::take(ctx->cfg.authd.socket, "a restore");
  if (!lock) return fail(lock.message());
  const fs::path from = a.positional[0];
  auto file = backup::read_whole_file(from);
  if (!file) return fail(file.message());
  if (auto r = backup::check_backup_header(*file); !r) return fail(from.string() + ": " + r.message() + "; nothing was changed");
  auto passphrase = read_passphrase(passphrase_file(a), false);
  if (!passphrase) return fail(passphrase.message());
  auto packed = backup::decrypt_backup(*file, *passphrase);
  if (!packed) return fail(from.string() + ": " + packed.message() + "; nothing was changed");
  auto contents = backup::unpack_contents(packed->view());
  if (!contents) return fail(from.string() + ": " + contents.message() + "; nothing was changed");
  if (auto r = backup::restore_state(*contents, ctx->db, ctx->cfg); !r) return fail(r.message());
  ctx->audit_key = contents->audit_key;  // the restored chain continues under its own key
  ctx->audit("system.restore", "", "success", "\"file\":" + json_string(from.filename().string()));
  std::cout << "Restored from " << from.string() << " / 復元しました. Start authd again.\n";
  return exit_ok;
}

}  // namespace

std::vector<command> backup_commands() {
  return {
      {"backup", "write one encrypted backup: the database (consistent, online) and its keys",
       "FILE | --dir DIR [--keep N] [--passphrase-file PATH]\n\n"
       "The backup holds a consistent copy of the database, the master key(s) and the audit key,\n"
       "encrypted with a passphrase (Argon2id, XChaCha20-Poly1305). The passphrase (12 characters or\n"
       "more) is asked twice on the terminal, read as one line from standard input, or read from\n"
       "--passphrase-file: a regular file owned by root, mode 0600 or 0400. Never on the command line.\n"
       "FILE must not exist; it is created with mode 0600 and appears only when complete.\n"
       "--dir DIR writes DIR/sekisho-YYYYmmdd-HHMMSS.skb (UTC); --keep N then deletes the oldest\n"
       "sekisho-*.skb files in DIR beyond N (for a systemd timer). Nothing else in DIR is touched.",
       {{"--dir", "--keep", "--passphrase-file"}, {}, 0, 1}, run_backup},
      {"restore", "replace the database and keys with a backup (checked before anything is changed)",
       "FILE [--passphrase-file PATH]\n\n"
       "Asks for the backup's passphrase (as `backup` does). A wrong passphrase, or a file that was\n"
       "changed, truncated or damaged, is refused and nothing is changed. Otherwise the database is\n"
       "replaced (an older one is migrated), the backup's master key becomes current (every other key\n"
       "is kept as retired) and the audit key is written back. Refused while authd runs: stop it first.",
       {{"--passphrase-file"}, {}, 1, 1}, run_restore},
  };
}

}  // namespace sekisho::cli
