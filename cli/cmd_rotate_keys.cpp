// `sekisho rotate-keys`: a new master key; every sealed secret re-sealed; the old key retired.
#include <iostream>

#include "cli/admin_context.hpp"
#include "cli/authd_lock.hpp"
#include "cli/command.hpp"
#include "core/store/reseal.hpp"

namespace sekisho::cli {
namespace {

// Refused while authd runs: authd loads the keyring once at start, so after a rotation it could not
// open the re-sealed seeds (every TOTP login would fail until a restart). Holding authd's lock also
// keeps an authd from starting halfway through.
int run_rotate_keys(const args&, const std::filesystem::path& config_path) {
  auto ctx = admin_context::open(config_path, false);
  if (!ctx) return fail(ctx.message());
  const auto lock = authd_lock::take(ctx->cfg.authd.socket, "rotating the keys");
  if (!lock) return fail(lock.message());
  auto done = store::rotate_master_key(ctx->db, ctx->cfg.master_key_file);
  if (!done) {
    ctx->audit("system.rotate_keys", "", "failure");
    return fail(done.message());
  }
  ctx->audit("system.rotate_keys", "", "success",
             "\"old_key\":\"" + seal::key_id_hex(done->old_id) + "\",\"new_key\":\"" + seal::key_id_hex(done->new_id) +
                 "\",\"resealed\":" + std::to_string(done->resealed));
  std::cout << "New master key " << seal::key_id_hex(done->new_id) << "; " << done->resealed
            << " secret(s) re-sealed; the old key " << seal::key_id_hex(done->old_id) << " is kept in "
            << seal::retired_key_dir(ctx->cfg.master_key_file).string()
            << " / 鍵を更新しました. Take a new backup; start authd again.\n";
  return exit_ok;
}

}  // namespace

std::vector<command> rotate_keys_commands() {
  return {
      {"rotate-keys", "make a new master key and re-seal every TOTP secret with it",
       "\n\nThe new key replaces the master key file; every sealed secret is re-sealed in one database\n"
       "transaction; the old key is kept in MASTER.retired/ (e.g. master.key.retired/), so rows sealed\n"
       "with it, and older backups, still open. An interrupted rotation leaves a working state: run it\n"
       "again. Refused while authd runs (authd reads the keys once at start): stop it first.",
       {{}, {}, 0, 0}, run_rotate_keys},
  };
}

}  // namespace sekisho::cli
