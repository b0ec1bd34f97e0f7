// `sekisho host …`: the servers whose pam_sekisho.so reaches authd through the gateway's PAM listener
// (url=, ca=, token_file=). Each gets its own token, printed once; only its SHA-256 is stored, and a revoked
// server is refused at once.
#include <iostream>

#include "cli/admin_context.hpp"
#include "cli/command.hpp"
#include "core/login/user_name.hpp"
#include "core/store/host_store.hpp"
#include "core/util/digest.hpp"
#include "core/util/local_time.hpp"
#include "core/util/random.hpp"

namespace sekisho::cli {
namespace {

namespace fs = std::filesystem;

int run_add(const args& a, const fs::path& config_path) {
  auto ctx = admin_context::open(config_path, false);
  if (!ctx) return fail(ctx.message());
  const auto& name = a.positional[0];
  if (!login::valid_user_name(name))
    return fail("'" + name + "' is not a valid host name here: use 1-64 of a-z, 0-9, '.', '_', '-' (lower case)");
  const auto token = random_token(32);
  store::transaction tx(ctx->db);
  if (!store::add_pam_host(ctx->db, name, sha256(token), ctx->now()))
    return fail("host '" + name + "' already has a token: `sekisho host revoke " + name + "` first");
  ctx->audit("pam_host.add", "", "success", "\"host\":\"" + name + "\"");
  tx.commit();
  std::cout << "Token for " << name << " (shown once; only its hash is kept):\n"
            << name << " のトークン（表示は1回だけです）:\n\n  " << token << "\n\n"
            << "On " << name << ", as root: write it to /etc/sekisho/pam-token (mode 0600, owner root) and use\n"
            << name << " で root として /etc/sekisho/pam-token に保存し（0600、所有者 root）、次のように設定します:\n"
            << "  auth required pam_sekisho.so url=tls://GATEWAY:PORT ca=/etc/sekisho/ca.pem "
               "token_file=/etc/sekisho/pam-token\n";
  return exit_ok;
}

int run_revoke(const args& a, const fs::path& config_path) {
  auto ctx = admin_context::open(config_path, false);
  if (!ctx) return fail(ctx.message());
  const auto& name = a.positional[0];
  store::transaction tx(ctx->db);
  if (!store::revoke_pam_host(ctx->db, name, ctx->now())) return fail("no live host named '" + name + "'");
  ctx->audit("pam_host.revoke", "", "success", "\"host\":\"" + name + "\"");
  tx.commit();
  std::cout << "Host " << name << " revoked: its token no longer works / " << name << " のトークンを無効にしました\n";
  return exit_ok;
}

int run_list(const args&, const fs::path& config_path) {
  auto ctx = admin_context::open(config_path, false);
  if (!ctx) return fail(ctx.message());
  const auto hosts = store::list_pam_hosts(ctx->db);
  if (hosts.empty()) std::cout << "(no hosts / 登録されたサーバーはありません)\n";
  for (const auto& h : hosts)
    std::cout << h.name << "\tadded " << local_minute(h.created_at) << "\t"
              << (h.last_used_at ? "last used " + local_minute(*h.last_used_at) : std::string("never used")) << "\t"
              << (h.revoked_at ? "REVOKED " + local_minute(*h.revoked_at) : std::string("live")) << "\n";
  return exit_ok;
}

}  // namespace

std::vector<command> host_commands() {
  return {
      {"host add", "let a server's pam_sekisho.so use the gateway's PAM listener: prints its token once", "NAME",
       {{}, {}, 1, 1}, run_add},
      {"host revoke", "stop a server's token working", "NAME", {{}, {}, 1, 1}, run_revoke},
      {"host list", "servers with tokens: added, last used, live or revoked", "", {{}, {}, 0, 0}, run_list},
  };
}

}  // namespace sekisho::cli
