// `sekisho user …`: accounts. Every change is one transaction together with its audit record.
#include <iomanip>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/admin_context.hpp"
#include "cli/command.hpp"
#include "cli/enrollment.hpp"
#include "cli/terminal.hpp"
#include "core/login/group_name.hpp"
#include "core/login/user_name.hpp"
#include "core/password/password_hasher.hpp"
#include "core/password/password_policy.hpp"
#include "core/store/factor_store.hpp"
#include "core/store/session_store.hpp"
#include "core/store/throttle_store.hpp"
#include "core/store/webauthn_store.hpp"
#include "core/throttle/throttle.hpp"
#include "core/util/local_time.hpp"

namespace sekisho::cli {
namespace {

namespace fs = std::filesystem;

std::string when(std::optional<std::int64_t> t) { return t ? local_minute(*t) : "-"; }

std::string state_of(admin_context& ctx, const store::user_row& u) {
  if (u.disabled) return "disabled";
  auto t = store::get_throttle(ctx.db, throttle::user_key(u.name));
  if (t && t->failures >= ctx.cfg.throttle.lock_after) return "locked";
  if (t && t->failures > ctx.cfg.throttle.free_failures) return "delayed";
  return "active";
}

// Opens the context and finds the user named by the first argument; prints why not.
struct user_target {
  std::optional<admin_context> ctx;
  std::optional<store::user_row> user;
  int error = exit_ok;
};

user_target open_target(const args& a, const fs::path& config_path, bool need_master_key = false) {
  user_target t;
  auto ctx = admin_context::open(config_path, need_master_key);
  if (!ctx) {
    t.error = fail(ctx.message());
    return t;
  }
  t.ctx.emplace(std::move(*ctx));
  t.user = t.ctx->require_user(a.positional.at(0));
  if (!t.user) t.error = exit_failed;
  return t;
}

// "a, b", or "-" for none: as `user show` and `user groups` print them.
std::string group_list(const std::vector<std::string>& groups) {
  std::string list;
  for (const auto& g : groups) list += (list.empty() ? "" : ", ") + g;
  return list.empty() ? "-" : list;
}

std::string bad_group(const std::string& g) {
  return "'" + g + "' is not a valid group name: up to 64 characters, no ',' and no space at either end";
}

int run_add(const args& a, const fs::path& config_path) {
  auto ctx = admin_context::open(config_path, false);
  if (!ctx) return fail(ctx.message());
  const auto name = a.positional[0];
  if (!login::valid_user_name(name))
    return fail("'" + name + "' is not a valid user name: use 1-64 of a-z, 0-9, '.', '_', '-' (lower case)");
  if (store::find_user(ctx->db, name)) return fail("user '" + name + "' already exists");
  auto groups = a.all("--group");
  for (const auto& g : groups)
    if (!login::valid_group_name(g)) return fail(bad_group(g));
  if (a.has("--admin")) groups.emplace_back(store::admin_group);
  std::int64_t id = 0;
  {
    store::transaction tx(ctx->db);
    id = store::insert_user(ctx->db, name, a.get("--display-name"), ctx->now());
    store::set_groups(ctx->db, id, groups);
    // --admin, or --group admins: the same thing.
    ctx->audit("user.add", name, "success", store::is_admin(groups) ? "\"admin\":true" : "\"admin\":false");
    tx.commit();
  }
  std::cout << "Added user " << name << " / ユーザー " << name << " を追加しました\n\n";
  issue_enrollment_link(*ctx, *store::find_user_by_id(ctx->db, id));
  return exit_ok;
}

int run_list(const args&, const fs::path& config_path) {
  auto ctx = admin_context::open(config_path, false);
  if (!ctx) return fail(ctx.message());
  std::cout << std::left << std::setw(20) << "USER" << std::setw(10) << "STATE" << std::setw(7) << "ADMIN"
            << std::setw(6) << "TOTP" << std::setw(6) << "KEYS" << std::setw(10) << "RECOVERY" << "LAST LOGIN\n";
  for (const auto& u : store::list_users(ctx->db)) {
    std::cout << std::setw(20) << u.name << std::setw(10) << state_of(*ctx, u) << std::setw(7)
              << (store::is_admin(u) ? "yes" : "no") << std::setw(6)
              << store::totp_for_user(ctx->db, u.id, true).size()
              << std::setw(6) << store::count_webauthn_for_user(ctx->db, u.id) << std::setw(10) << store::unused_recovery_codes(ctx->db, u.id).size() << when(u.last_login_at) << "\n";
  }
  return exit_ok;
}

int run_show(const args& a, const fs::path& config_path) {
  auto t = open_target(a, config_path);
  if (t.error) return t.error;
  auto& u = *t.user;
  auto throttle_row = store::get_throttle(t.ctx->db, throttle::user_key(u.name));
  std::cout << "user            " << u.name << "\n"
            << "display name    " << u.display_name << "\n"
            << "state           " << state_of(*t.ctx, u) << "\n"
            << "admin           " << (store::is_admin(u) ? "yes" : "no") << "\n"
            << "groups          " << group_list(u.groups) << "\n"
            << "password        " << (u.password_hash.empty() ? "not set" : "set")
            << (u.must_change_password ? " (must change at next login)" : "") << "\n"
            << "failed attempts " << (throttle_row ? throttle_row->failures : 0) << "\n"
            << "created         " << when(u.created_at) << "\n"
            << "last login      " << when(u.last_login_at) << "\n";
  for (const auto& r : store::totp_for_user(t.ctx->db, u.id, false))
    std::cout << "totp            " << r.label << " (" << r.algorithm << ", " << r.digits << " digits"
              << (r.confirmed ? "" : ", unconfirmed") << ")\n";
  for (const auto& k : store::webauthn_for_user(t.ctx->db, u.id))
    std::cout << "security key    " << k.name << " (added " << when(k.created_at) << ", last used "
              << when(k.last_used_at) << (k.backup_eligible ? ", passkey that may be synced" : "")
              << (k.locked_at ? ", LOCKED " + when(k.locked_at) + ": possibly cloned" : std::string()) << ")\n";
  std::cout << "recovery codes  " << store::unused_recovery_codes(t.ctx->db, u.id).size() << " unused\n";
  return exit_ok;
}

int set_disabled(const args& a, const fs::path& config_path, bool disabled) {
  auto t = open_target(a, config_path);
  if (t.error) return t.error;
  store::transaction tx(t.ctx->db);
  store::set_disabled(t.ctx->db, t.user->id, disabled, t.ctx->now());
  t.ctx->audit(disabled ? "user.disable" : "user.enable", t.user->name, "success");
  tx.commit();
  std::cout << t.user->name << (disabled ? " disabled / 無効にしました\n" : " enabled / 有効にしました\n");
  return exit_ok;
}

int run_disable(const args& a, const fs::path& p) { return set_disabled(a, p, true); }
int run_enable(const args& a, const fs::path& p) { return set_disabled(a, p, false); }

int run_delete(const args& a, const fs::path& config_path) {
  auto t = open_target(a, config_path);
  if (t.error) return t.error;
  store::transaction tx(t.ctx->db);
  store::delete_user(t.ctx->db, t.user->id);
  t.ctx->audit("user.delete", t.user->name, "success");
  tx.commit();
  std::cout << t.user->name << " deleted / 削除しました\n";
  return exit_ok;
}

int run_passwd(const args& a, const fs::path& config_path) {
  auto t = open_target(a, config_path);
  if (t.error) return t.error;
  auto& cfg = t.ctx->cfg;
  auto pw = read_new_secret("New password / 新しいパスワード: ", "Again / もう一度: ");
  if (!pw) return fail(pw.message());
  auto verdict = password::check_password(pw->view(), t.user->name, cfg.password.profile, cfg.password.min_length);
  if (!verdict.ok) return fail(verdict.reason_en + " / " + verdict.reason_ja);
  password::password_hasher hasher({cfg.password.memory_kib, cfg.password.iterations, cfg.password.parallelism},
                                   cfg.password.max_concurrent_hashes);
  auto phc = hasher.hash(pw->view());
  if (!phc) return fail(phc.message());
  const bool temporary = a.has("--temporary");
  store::transaction tx(t.ctx->db);
  store::set_password_hash(t.ctx->db, t.user->id, *phc, temporary, t.ctx->now());
  t.ctx->audit("user.passwd", t.user->name, "success", temporary ? "\"temporary\":true" : "\"temporary\":false");
  tx.commit();
  std::cout << "Password set for " << t.user->name << " / パスワードを設定しました\n";
  return exit_ok;
}

int run_unlock(const args& a, const fs::path& config_path) {
  auto t = open_target(a, config_path);
  if (t.error) return t.error;
  store::transaction tx(t.ctx->db);
  throttle::throttle(t.ctx->cfg.throttle).unlock(t.ctx->db, t.user->name);
  t.ctx->audit("user.unlock", t.user->name, "success");
  tx.commit();
  std::cout << t.user->name << " unlocked / ロックを解除しました\n";
  return exit_ok;
}

int run_reset_factors(const args& a, const fs::path& config_path) {
  auto t = open_target(a, config_path);
  if (t.error) return t.error;
  {
    store::transaction tx(t.ctx->db);
    store::delete_second_factors(t.ctx->db, t.user->id);
    // A lost key may be in someone else's hands, with a session it opened: those end too.
    const int sessions = store::delete_user_sessions(t.ctx->db, t.user->id);
    t.ctx->audit("user.reset_factors", t.user->name, "success", "\"sessions_ended\":" + std::to_string(sessions));
    tx.commit();
  }
  std::cout << "Removed every second factor of " << t.user->name << " / 二要素目をすべて削除しました\n\n";
  issue_enrollment_link(*t.ctx, *t.user);
  return exit_ok;
}

// Shows a user's groups, or adds and removes some. authd reads the groups on every session check, so open
// sessions (and the WebSocket tunnels they opened) meet the change within gateway.session_cache_ttl.
int run_groups(const args& a, const fs::path& config_path) {
  auto t = open_target(a, config_path);
  if (t.error) return t.error;
  const auto added = a.all("--add"), removed = a.all("--remove");
  auto groups = t.user->groups;
  for (const auto& g : added) {
    if (!login::valid_group_name(g)) return fail(bad_group(g));
    if (std::find(groups.begin(), groups.end(), g) == groups.end()) groups.push_back(g);
  }
  for (const auto& g : removed) {
    const auto at = std::find(groups.begin(), groups.end(), g);
    if (at == groups.end()) return fail(t.user->name + " is not in group '" + g + "': nothing changed");
    groups.erase(at);
  }
  if (!added.empty() || !removed.empty()) {
    store::transaction tx(t.ctx->db);
    store::set_groups(t.ctx->db, t.user->id, groups);
    t.ctx->audit("user.groups", t.user->name, "success", "\"groups\":" + nlohmann::json(groups).dump());
    tx.commit();
  }
  std::cout << "groups of " << t.user->name << " / グループ: " << group_list(groups) << "\n";
  return exit_ok;
}

arg_spec one_user() { return {{}, {}, 1, 1}; }

}  // namespace

std::vector<command> user_commands() {
  return {
      {"user add", "add an account and print its one-time enrollment link",
       "NAME [--display-name TEXT] [--admin] [--group GROUP]...", {{"--display-name", "--group"}, {"--admin"}, 1, 1},
       run_add},
      {"user list", "list accounts with their state, factors and last login", "", {{}, {}, 0, 0}, run_list},
      {"user show", "show one account", "NAME", one_user(), run_show},
      {"user disable", "refuse every login of an account (reversible)", "NAME", one_user(), run_disable},
      {"user enable", "allow a disabled account again", "NAME", one_user(), run_enable},
      {"user delete", "delete an account and all its factors", "NAME", one_user(), run_delete},
      {"user passwd", "set a password (read from the terminal, or one line from standard input)",
       "NAME [--temporary]\n\n--temporary: the user must choose a new password at the next login.",
       {{}, {"--temporary"}, 1, 1}, run_passwd},
      {"user groups", "show a user's groups, or add and remove some (open sessions follow)",
       "NAME [--add GROUP]... [--remove GROUP]...", {{"--add", "--remove"}, {}, 1, 1}, run_groups},
      {"user unlock", "clear failed-login delays and the lock of an account", "NAME", one_user(), run_unlock},
      {"user reset-factors", "remove every second factor and print a new enrollment link (lost key)", "NAME",
       one_user(), run_reset_factors},
  };
}

}  // namespace sekisho::cli
