#include "cli/authd_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

namespace sekisho::cli {

result<authd_lock> authd_lock::take(const std::filesystem::path& socket, std::string_view action) {
  const std::string path = socket.native() + ".lock";
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) return authd_lock(-1);
    return make_error(path + ": " + std::strerror(errno));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK)
      return make_error("authd is running (" + socket.string() + "); stop it before " + std::string(action));
    return make_error(path + ": " + std::strerror(err));
  }
  return authd_lock(fd);
}

authd_lock::authd_lock(authd_lock&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}

authd_lock::~authd_lock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace sekisho::cli
