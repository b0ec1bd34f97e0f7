#include "pam_module/module_log.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <ctime>
#include <string>

#include <security/pam_ext.h>

namespace sekisho::pam {
namespace {

// The debug file is opened by root inside sshd: never through a symlink, never one that someone else owns
// or could have written to (pam_u2f's debug file was a way to make root write anywhere).
void append_to_debug_file(const std::string& path, std::string_view line) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
  if (fd < 0) return;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == ::geteuid() && (st.st_mode & 022) == 0) {
    char when[32] = "";
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    if (::gmtime_r(&now, &tm) != nullptr) std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ ", &tm);
    const std::string text = std::string(when) + "pam_sekisho: " + std::string(line) + "\n";
    [[maybe_unused]] const auto n = ::write(fd, text.data(), text.size());
  }
  ::close(fd);
}

}  // namespace

void module_log::write(int priority, std::string_view line) const {
  if (options_ != nullptr && !options_->debug_file.empty()) {
    append_to_debug_file(options_->debug_file, line);
    if (priority == LOG_DEBUG) return;
  }
  const std::string text(line);
  pam_syslog(pamh_, priority, "%s", text.c_str());
}

void module_log::error(std::string_view line) const { write(LOG_ERR, line); }
void module_log::notice(std::string_view line) const { write(LOG_NOTICE, line); }
void module_log::debug(std::string_view line) const {
  if (options_ != nullptr && options_->debug) write(LOG_DEBUG, line);
}

}  // namespace sekisho::pam
