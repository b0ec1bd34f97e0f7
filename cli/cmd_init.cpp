// `sekisho init` and `sekisho check-config`: create what a new installation needs, never
// overwriting a key or data that already exists; and check an existing one.
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <optional>
#include <iostream>

#include "authd/webauthn_settings.hpp"
#include "cli/admin_context.hpp"
#include "cli/command.hpp"
#include "cli/enrollment.hpp"
#include "cli/local_ca.hpp"
#include "cli/site_setup.hpp"
#include "core/login/user_name.hpp"
#include "core/policy/rule_fallthrough.hpp"
#include "core/seal/keyring.hpp"
#include "core/store/user_store.hpp"
#include "core/util/key_file.hpp"

namespace sekisho::cli {
namespace {

namespace fs = std::filesystem;

// Where init keeps the local CA and the server certificate: beside the config, not in the state directory,
// which the gateway may not read.
fs::path tls_dir(const fs::path& config_path) { return fs::absolute(config_path).parent_path() / "tls"; }

// Installed from the Debian package: its postinst made the config directory group `sekisho` and the user
// `sekisho-gw`. Then the units' layout applies (packaged_config, and ownership below).
std::optional<gid_t> packaged_group(const fs::path& config_path) {
  struct stat st {};
  const auto* g = ::getgrnam("sekisho");
  if (g == nullptr || ::getpwnam("sekisho-gw") == nullptr) return std::nullopt;
  if (::stat(fs::absolute(config_path).parent_path().c_str(), &st) != 0 || st.st_gid != g->gr_gid) return std::nullopt;
  return g->gr_gid;
}

// What init creates in the state directory belongs to the directory's owner (the package's `sekisho`, who runs
// authd), not to root who ran init. A directory init made itself stays as it is.
void give_to_state_owner(const fs::path& state_dir) {
  struct stat st {};
  if (::stat(state_dir.c_str(), &st) != 0 || st.st_uid == ::geteuid()) return;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(state_dir, ec))
    if (::lchown(e.path().c_str(), st.st_uid, st.st_gid) != 0) std::cerr << "cannot chown " << e.path().string() << "\n";
}

// Writes the embedded default config if none is there (made into `s`'s site when given); says which happened.
result<void> ensure_config(const fs::path& path, const std::string& state_dir, const std::optional<site>& s) {
  std::error_code ec;
  if (fs::exists(path, ec)) {
    std::cout << "kept     " << path.string() << " (exists)\n";
    return {};
  }
  if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
  auto text = state_dir.empty() ? std::string(default_config_text())
                                : default_config_text_with_state_dir(fs::absolute(state_dir));
  if (s) text = site_config(text, *s, (tls_dir(path) / "server.pem").string(), (tls_dir(path) / "server.key").string());
  if (packaged_group(path)) text = packaged_config(text);
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
    if (store::is_admin(u)) return true;
  return false;
}

// The gateway's user reads the server key through the group `sekisho` (the package's units).
void share_with_gateway(const fs::path& config_path, const fs::path& dir, const fs::path& key) {
  if (const auto gid = packaged_group(config_path)) {
    if (::chown(dir.c_str(), 0, *gid) == 0) ::chmod(dir.c_str(), 0750);
    if (::chown(key.c_str(), 0, *gid) == 0) ::chmod(key.c_str(), 0640);
  }
}

// The local CA and the first certificate's files when they are missing (a hospital's own certificate, once
// configured, is never touched); then how to trust the CA on the clinic's PCs.
result<void> ensure_certificates(const fs::path& config_path, const config& cfg) {
  if (cfg.gateway.certificates.empty()) return {};
  const auto& first = cfg.gateway.certificates.front();
  std::error_code ec;
  const auto dir = tls_dir(config_path);
  const auto ca_cert = dir / "ca.pem", ca_key = dir / "ca.key";
  const bool need_server = !fs::exists(first.cert_file, ec) && !fs::exists(first.key_file, ec);
  if (!fs::exists(ca_cert, ec) && need_server) {
    fs::create_directories(dir, ec);
    ::chmod(dir.c_str(), 0755);
    if (auto r = create_local_ca(ca_cert, ca_key, "Sekisho local CA (" + first.hosts.front() + ")"); !r) return r;
    std::cout << "created  " << ca_cert.string() << " (local CA; its key " << ca_key.string() << " stays 0600)\n";
  }
  if (need_server) {
    if (auto r = issue_server_certificate(ca_cert, ca_key, first.hosts, first.cert_file, first.key_file); !r) return r;
    share_with_gateway(config_path, first.key_file.parent_path(), first.key_file);
    std::cout << "created  " << first.cert_file.string() << " (for";
    for (const auto& h : first.hosts) std::cout << " " << h;
    std::cout << ")\n";
  } else {
    std::cout << "kept     " << first.cert_file.string() << " (exists)\n";
  }
  if (!fs::exists(ca_cert, ec)) return {};
  std::cout << "\nWindows の各端末に " << ca_cert.string() << " を「信頼されたルート証明機関」として入れてください\n"
               "（管理者の PowerShell で: certutil -addstore -f Root ca.pem）。病院の証明書を使う場合は、\n"
               "設定の [[gateway.certificate]] の cert_file と key_file をその証明書と鍵に替えてください。\n"
               "Install " << ca_cert.string() << " on each Windows PC as a Trusted Root Certification Authority\n"
               "(administrator PowerShell: certutil -addstore -f Root ca.pem). To use a hospital-issued certificate\n"
               "instead, point cert_file and key_file of [[gateway.certificate]] in the config at it.\n";
  return {};
}

int run_init(const args& a, const fs::path& config_path) {
  std::error_code exists_ec;
  const bool new_config = !fs::exists(config_path, exists_ec);
  auto wanted = new_config ? site_from(a) : result<std::optional<site>>(std::optional<site>());
  if (!wanted) return fail(wanted.message());
  if (!new_config && (!a.all("--host").empty() || !a.get("--upstream").empty()))
    std::cout << "note     " << config_path.string() << " exists: --host and --upstream are not applied to it\n";
  if (auto r = ensure_config(config_path, a.get("--state-dir"), *wanted); !r) return fail(r.message());
  auto cfg = load_config(config_path);
  if (!cfg) return fail(cfg.message());
  if (const auto note = time_zone_note(); !note.empty()) std::cout << note;
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

  if (auto r = ensure_certificates(config_path, *cfg); !r) return fail(r.message());
  give_to_state_owner(cfg->state_dir);

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
    id = store::insert_user(ctx->db, name, "Administrator", ctx->now());
    store::set_groups(ctx->db, id, {std::string(store::admin_group)});
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
  for (const auto& line : group_rule_fallthroughs(cfg->gateway.rules)) std::cout << "warning: " << line << "\n";
  return exit_ok;
}

}  // namespace

std::vector<command> init_commands() {
  return {
      {"init", "create the config, keys, database and first admin (never overwrites)",
       "[--state-dir DIR] [--admin NAME] [--host NAME]... [--upstream URL] [--listen ADDR:PORT] [--profile P]\n\n"
       "Writes the default config to --config if it is absent (with state_dir = DIR when given),\n"
       "creates the state directory (0700), the master key and the audit key (0600), and the\n"
       "database, then creates the first admin account (default name: admin) and prints its\n"
       "one-time enrollment link. Running it again reports what exists and changes nothing.\n"
       "For a new config, --host (the names staff open; repeat or comma-separate), --upstream (the EHR,\n"
       "http://HOST:PORT), --listen (default 0.0.0.0:443) and --profile (mhlw or nist) set up the site:\n"
       "the gateway's listener, a local CA and a server certificate for the hosts (beside the config, in\n"
       "tls/), the upstream, one two_factor rule and the enrollment links' address. Without them, on a\n"
       "terminal, init asks for each (Japanese and English).",
       {{"--state-dir", "--admin", "--host", "--upstream", "--listen", "--profile"}, {}, 0, 0}, run_init},
      {"check-config", "check the config, keys and database; print the main settings", "",
       {{}, {}, 0, 0}, run_check_config},
  };
}

}  // namespace sekisho::cli
