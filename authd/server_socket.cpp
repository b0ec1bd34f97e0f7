// Creating authd's listening socket safely: never replace something that is not our socket,
// never steal the socket of a running authd, and never expose it beyond owner and group.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "authd/server.hpp"
#include "authd/unix_address.hpp"

namespace sekisho::authd {
namespace {

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

}  // namespace

// An flock beside the socket closes the race where two authds both find the socket stale.
result<void> server::take_lock() {
  const std::string lock_path = path_.native() + ".lock";
  lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (lock_fd_ < 0) return make_error(errno_text(lock_path));
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) return make_error(path_.string() + ": another authd is already running here");
    return make_error(errno_text(lock_path));
  }
  return {};
}

result<void> server::clear_stale_socket() {
  struct stat st {};
  if (::lstat(path_.c_str(), &st) != 0) {
    if (errno == ENOENT) return {};
    return make_error(errno_text(path_.string()));
  }
  if (!S_ISSOCK(st.st_mode))
    return make_error(path_.string() + ": exists and is not a socket; refusing to replace it");

  sockaddr_un addr{};
  make_unix_address(path_, addr);
  const int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (probe < 0) return make_error(errno_text("socket"));
  const int rc = ::connect(probe, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  const int err = errno;
  ::close(probe);
  if (rc == 0 || err == EAGAIN)  // EAGAIN: a live listener with a full backlog
    return make_error(path_.string() + ": another authd is already listening on this socket");
  if (err != ECONNREFUSED) return make_error(path_.string() + ": " + std::strerror(err));
  if (::unlink(path_.c_str()) != 0) return make_error(errno_text("removing stale socket " + path_.string()));
  return {};
}

result<void> server::listen() {
  if (listen_fd_ >= 0) return make_error("authd: listen() called twice");
  if (wake_read_ < 0) return make_error("authd: cannot create the wake-up pipe");
  sockaddr_un addr{};
  if (!make_unix_address(path_, addr))
    return make_error(path_.string() + ": socket path is empty or longer than " +
                      std::to_string(sizeof addr.sun_path - 1) + " bytes");
  if (auto r = take_lock(); !r) return r;
  if (auto r = clear_stale_socket(); !r) return r;

  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return make_error(errno_text("socket"));
  // bind() creates the file with 0777 & ~umask: 0660 here. The umask is process-wide, so
  // listen() belongs at startup, before other threads create files.
  const mode_t old_mask = ::umask(0117);
  const int rc = ::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  const int err = errno;
  ::umask(old_mask);
  if (rc != 0) {
    ::close(fd);
    return make_error(path_.string() + ": bind: " + std::strerror(err));
  }
  struct stat st {};
  if (::listen(fd, SOMAXCONN) != 0 || ::lstat(path_.c_str(), &st) != 0) {
    auto e = make_error(errno_text(path_.string()));
    ::close(fd);
    ::unlink(path_.c_str());
    return e;
  }
  socket_dev_ = st.st_dev;
  socket_ino_ = st.st_ino;
  listen_fd_ = fd;
  return {};
}

server::~server() {
  if (listen_fd_ >= 0) {
    ::close(listen_fd_);
    // Remove the file only if it is still the one we bound.
    struct stat st {};
    if (::lstat(path_.c_str(), &st) == 0 && st.st_dev == socket_dev_ && st.st_ino == socket_ino_)
      ::unlink(path_.c_str());
  }
  if (lock_fd_ >= 0) ::close(lock_fd_);
  if (wake_read_ >= 0) ::close(wake_read_);
  if (wake_write_ >= 0) ::close(wake_write_);
}

}  // namespace sekisho::authd
