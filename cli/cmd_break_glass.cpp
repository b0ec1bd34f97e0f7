// `sekisho break-glass …`: the sealed emergency codes behind break-glass access. An admin prints one per
// user who may need it, seals it in an envelope kept where emergencies happen (the ward's safe), and issues
// a new one after each use. Only the code's Argon2id hash is stored.
#include <iostream>

#include "cli/admin_context.hpp"
#include "cli/command.hpp"
#include "core/recovery/recovery_codes.hpp"
#include "core/store/emergency_store.hpp"
#include "core/util/local_time.hpp"

namespace sekisho::cli {
namespace {

namespace fs = std::filesystem;

int run_issue(const args& a, const fs::path& config_path) {
  auto ctx = admin_context::open(config_path, false);
  if (!ctx) return fail(ctx.message());
  auto user = ctx->require_user(a.positional[0]);
  if (!user) return exit_failed;
  password::password_hasher hasher(recovery::hash_params(), ctx->cfg.password.max_concurrent_hashes);
  const auto set = recovery::generate_codes(hasher, 1);
  store::transaction tx(ctx->db);
  store::replace_emergency_code(ctx->db, user->id, set.hashes.at(0), ctx->now());
  ctx->audit("break_glass.issue", user->name, "success");
  tx.commit();
  std::cout << "Emergency code for " << user->name << " (one use; any earlier one no longer works):\n"
            << user->name << " さんの緊急用コード（1回限り。以前のコードは無効になりました）:\n\n  " << set.codes.at(0)
            << "\n\nSeal it in an envelope with the user's name and keep it where an emergency happens.\n"
               "封筒に入れて封をし、名前を書いて、緊急時に取り出せる場所に保管してください。\n";
  if (!ctx->cfg.break_glass.enabled)
    std::cout << "\nNote: break_glass.enabled is false in the config; the code works once it is set to true.\n"
                 "注意: 設定の break_glass.enabled が false です。true にするまでこのコードは使えません。\n";
  return exit_ok;
}

int run_revoke(const args& a, const fs::path& config_path) {
  auto ctx = admin_context::open(config_path, false);
  if (!ctx) return fail(ctx.message());
  auto user = ctx->require_user(a.positional[0]);
  if (!user) return exit_failed;
  store::transaction tx(ctx->db);
  if (!store::delete_emergency_code(ctx->db, user->id)) return fail(user->name + " has no emergency code");
  ctx->audit("break_glass.revoke", user->name, "success");
  tx.commit();
  std::cout << "Emergency code of " << user->name << " revoked / 緊急用コードを無効にしました\n";
  return exit_ok;
}

int run_list(const args&, const fs::path& config_path) {
  auto ctx = admin_context::open(config_path, false);
  if (!ctx) return fail(ctx.message());
  const auto codes = store::list_emergency_codes(ctx->db);
  if (codes.empty()) std::cout << "(no emergency codes / 緊急用コードはありません)\n";
  for (const auto& c : codes)
    std::cout << c.user << "\tissued " << local_minute(c.issued_at) << "\t"
              << (c.used_at ? "USED " + local_minute(*c.used_at) + " — issue a new one" : std::string("sealed")) << "\n";
  return exit_ok;
}

}  // namespace

std::vector<command> break_glass_commands() {
  return {
      {"break-glass issue", "print a new sealed emergency code for a user (voids the old one)", "USER",
       {{}, {}, 1, 1}, run_issue},
      {"break-glass revoke", "void a user's emergency code", "USER", {{}, {}, 1, 1}, run_revoke},
      {"break-glass list", "list emergency codes: sealed, or used and due to be reissued", "", {{}, {}, 0, 0}, run_list},
  };
}

}  // namespace sekisho::cli
