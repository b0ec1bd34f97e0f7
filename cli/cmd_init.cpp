// `sekisho init` and `sekisho check-config`: create what a new installation needs, never
// overwriting a key or data that already exists; and check an existing one.
#include <sys/stat.h>

#include <fstream>
#include <iostream>

#include "authd/webauthn_settings.hpp"
#include "cli/admin_context.hpp"
#include "cli/command.hpp"
#include "cli/enrollment.hpp"
#include "core/login/user_name.hpp"
#include "core/seal/keyring.hpp"
#include "core/store/user_store.hpp"
#include "core/util/key_file.hpp"

namespace sekisho::cli {
namespace {

namespace fs = std::filesystem;

// Writes the embedded default config if none is there; says which happened.
result<void> ensure_config(const fs::path& path, const std::string& state_dir) {
  std::error_code ec;
  if (fs::exists(path, ec)) {
    std::cout << "kept     " << path.string() << " (exists)\n";
    return {};
  }
  if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
  const auto text = state_dir.empty() ? std::string(default_config_text())
                                      : default_config_text_with_state_dir(fs::absolute(state_dir));
  const auto tmp = path.string() + ".new";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) return make_error(path.string() + ": cannot write the config file");
  }
  ::chmod(tmp.c_str(), 0640);
  fs::rename(tmp, path, ec);
  if (ec) return make_error(path.string() + ": " + ec.message());
  std::cout << "created  " << path.string() << "\n";
  return {};
}

result<void> ensure_key(const fs::path& path, std::string_view what) {
  std::error_code ec;
  if (fs::exists(path, ec)) {
    auto k = read_key_file(path, 32);  // an existing but broken key is reported, never replaced
    if (!k) return k.err();
    std::cout << "kept     " << path.string() << " (" << what << ", exists)\n";
    return {};
  }
  auto r = create_key_file(path, 32);
  if (r) std::cout << "created  " << path.string() << " (" << what << ")\n";
  return r;
}

bool has_admin(store::database& db) {
  for (const auto& u : store::list_users(db))
    if (u.is_admin) return true;
  return false;
}

int run_init(const args& a, const fs::path& config_path) {
  if (auto r = ensure_config(config_path, a.get("--state-dir")); !r) return fail(r.message());
  auto cfg = load_config(config_path);
  if (!cfg) return fail(cfg.message());
  std::error_code ec;
  if (!fs::exists(cfg->state_dir, ec)) {
    fs::create_directories(cfg->state_dir, ec);
    if (ec) return fail(cfg->state_dir.string() + ": " + ec.message());
    std::cout << "created  " << cfg->state_dir.string() << "/\n";
  }
  ::chmod(cfg->state_dir.c_str(), 0700);
  if (auto r = ensure_key(cfg->master_key_file, "master key"); !r) return fail(r.message());
  if (auto r = ensure_key(cfg->audit.key_file, "audit key"); !r) return fail(r.message());
  const bool new_db = !fs::exists(cfg->database, ec);
  { store::database::open(cfg->database, true); }
  std::cout << (new_db ? "created  " : "kept     ") << cfg->database.string() << (new_db ? "\n" : " (exists)\n");

  auto ctx = admin_context::open(config_path, true);
  if (!ctx) return fail(ctx.message());
  if (new_db) ctx->audit("system.init", "", "success");
  if (has_admin(ctx->db)) {
    std::cout << "An admin account exists; nothing else to do. To give an admin a new enrollment link:\n"
                 "  sekisho user reset-factors NAME\n";
    return exit_ok;
  }
  const auto name = login::canonical_user_name(a.get("--admin", "admin"));
  if (name.empty()) return fail("--admin: not a valid user name (a-z, 0-9, '.', '_', '-')");
  std::int64_t id = 0;
  {
    store::transaction tx(ctx->db);
    id = store::insert_user(ctx->db, name, "Administrator", true, ctx->now());
    store::set_groups(ctx->db, id, {"admins"});
    ctx->audit("user.add", name, "success", "\"admin\":true");
    tx.commit();
  }
  std::cout << "\nFirst admin account: " << name << " / 最初の管理者アカウント: " << name << "\n";
  issue_enrollment_link(*ctx, *store::find_user_by_id(ctx->db, id));
  return exit_ok;
}

int run_check_config(const args&, const fs::path& config_path) {
  auto cfg = load_config(config_path);
  if (!cfg) return fail(cfg.message());
  auto ctx = admin_context::open(config_path, true);
  if (!ctx) return fail(ctx.message());
  auto webauthn = authd::load_webauthn_settings(cfg->webauthn);
  if (!webauthn) return fail(webauthn.message());
  std::string origins;
  for (const auto& o : webauthn->rp.origins) origins += (origins.empty() ? "" : " ") + o;
  std::cout << config_path.string() << ": ok\n"
            << "  state_dir  " << cfg->state_dir.string() << "\n"
            << "  database   " << cfg->database.string() << "\n"
            << "  socket     " << cfg->authd.socket.string() << "\n"
            << "  profile    " << to_string(cfg->password.profile) << "\n"
            << "  rp_id      " << webauthn->rp.id << "\n"
            << "  origins    " << (origins.empty() ? "(none: set webauthn.origins to use security keys)" : origins)
            << "\n";
  return exit_ok;
}

}  // namespace

std::vector<command> init_commands() {
  return {
      {"init", "create the config, keys, database and first admin (never overwrites)",
       "[--state-dir DIR] [--admin NAME]\n\n"
       "Writes the default config to --config if it is absent (with state_dir = DIR when given),\n"
       "creates the state directory (0700), the master key and the audit key (0600), and the\n"
       "database, then creates the first admin account (default name: admin) and prints its\n"
       "one-time enrollment link. Running it again reports what exists and changes nothing.",
       {{"--state-dir", "--admin"}, {}, 0, 0}, run_init},
      {"check-config", "check the config, keys and database; print the main settings", "",
       {{}, {}, 0, 0}, run_check_config},
  };
}

}  // namespace sekisho::cli
