// `sekisho backup` and `sekisho restore`.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <nlohmann/json.hpp>
#include <utility>

#include "cli/admin_context.hpp"
#include "cli/command.hpp"
#include "core/store/backup.hpp"

namespace sekisho::cli {
namespace {

namespace fs = std::filesystem;

// authd holds an flock on SOCKET.lock while it runs (authd/server_socket.cpp). Restore takes the
// same lock, so it refuses to run under a live authd (whose pending logins and open connections
// would no longer match the database), and no authd can start halfway through. No lock file: no
// authd ever ran here. The file is never created here, or it could end up owned by root.
class authd_lock {
 public:
  static result<authd_lock> take(const fs::path& socket) {
    const std::string path = socket.native() + ".lock";
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
      if (errno == ENOENT) return authd_lock(-1);
      return make_error(path + ": " + std::strerror(errno));
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      ::close(fd);
      if (err == EWOULDBLOCK) return make_error("authd is running (" + socket.string() + "); stop it before a restore");
      return make_error(path + ": " + std::strerror(err));
    }
    return authd_lock(fd);
  }
  authd_lock(authd_lock&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  authd_lock(const authd_lock&) = delete;
  authd_lock& operator=(const authd_lock&) = delete;
  ~authd_lock() {
    if (fd_ >= 0) ::close(fd_);
  }

 private:
  explicit authd_lock(int fd) : fd_(fd) {}
  int fd_;
};

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
  const auto lock = authd_lock::take(ctx->cfg.authd.socket);
  if (!lock) return fail(lock.message());
  if (auto r = store::restore_from(a.positional[0], ctx->db); !r) return fail(r.message());
  ctx->audit("system.restore", "", "success");
  std::cout << "Restored from " << a.positional[0] << " / 復元しました. Start authd again.\n";
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
       "current database is touched; an older backup is migrated. Refused while authd runs: stop it first.",
       {{}, {}, 1, 1}, run_restore},
  };
}

}  // namespace sekisho::cli
