#include "cli/admin_context.hpp"

#include <pwd.h>
#include <unistd.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "core/audit/audit_event.hpp"
#include "core/login/user_name.hpp"
#include "core/store/audit_store.hpp"
#include "core/util/clock.hpp"
#include "core/util/key_file.hpp"

namespace sekisho::cli {
namespace {

std::string current_unix_user() {
  char buf[4096];
  passwd pw{}, *found = nullptr;
  if (::getpwuid_r(::getuid(), &pw, buf, sizeof buf, &found) == 0 && found) return pw.pw_name;
  return "uid " + std::to_string(::getuid());
}

}  // namespace

int fail(std::string_view message) {
  std::cerr << "sekisho: " << message << "\n";
  return exit_failed;
}

result<admin_context> admin_context::open(const std::filesystem::path& config_path, bool need_master_key) {
  auto cfg = load_config(config_path);
  if (!cfg) return cfg.err();
  auto audit_key = read_key_file(cfg->audit.key_file, 32);
  if (!audit_key) return audit_key.err();
  std::optional<seal::keyring> keys;
  if (need_master_key) {
    auto k = seal::keyring::load(cfg->master_key_file);
    if (!k) return k.err();
    keys.emplace(std::move(*k));
  }
  try {
    admin_context ctx(*cfg, store::database::open(cfg->database), std::move(*audit_key));
    ctx.keys = std::move(keys);
    ctx.operator_name = current_unix_user();
    return ctx;
  } catch (const store::store_error& e) {
    return make_error(e.what());
  }
}

std::int64_t admin_context::now() const { return system_now(); }

void admin_context::audit(std::string_view event, std::string_view user, std::string_view result,
                          std::string_view details) {
  // `details` holds fixed "key":value pairs written by the commands; the operator name is serialised.
  std::string d = nlohmann::json{{"operator", operator_name}}.dump(-1, ' ', false,
                                                                   nlohmann::json::error_handler_t::replace);
  if (!details.empty()) d.insert(d.size() - 1, "," + std::string(details));
  store::append_audit(db, audit_key,
                      audit::audit_event{std::string(event), std::string(user), "local", "cli", "admin",
                                         std::string(result), d},
                      now());
}

std::optional<store::user_row> admin_context::require_user(std::string_view name) {
  auto canonical = login::canonical_user_name(name);
  auto u = canonical.empty() ? std::nullopt : store::find_user(db, canonical);
  if (!u) std::cerr << "sekisho: no such user '" << name << "'\n";
  return u;
}

}  // namespace sekisho::cli
