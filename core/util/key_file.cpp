#include "core/util/key_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/util/random.hpp"

namespace sekisho {
namespace {

struct fd_guard {
  int fd;
  ~fd_guard() {
    if (fd >= 0) ::close(fd);
  }
};

std::string describe(const std::filesystem::path& path, const char* what) {
  return path.string() + ": " + what + ": " + std::strerror(errno);
}

// Root replacing a key in a state directory that belongs to the service user (restore, rotate-keys):
// the new file gets the owner of the one it replaces, or of the directory, so the service can still
// read it. The same rule SQLite follows for its -wal files.
bool give_owner(int fd, const std::filesystem::path& replaced) {
  struct stat st {};
  const auto dir = replaced.has_parent_path() ? replaced.parent_path() : std::filesystem::path(".");
  if (::stat(replaced.c_str(), &st) != 0 && ::stat(dir.c_str(), &st) != 0) return false;
  if (st.st_uid == ::geteuid() && st.st_gid == ::getegid()) return true;
  return ::fchown(fd, st.st_uid, st.st_gid) == 0;
}

}  // namespace

result<void> create_key_file(const std::filesystem::path& path, std::size_t size) {
  fd_guard f{::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)};
  if (f.fd < 0) return make_error(describe(path, "cannot create the key file"));
  secret key(random_bytes(size));
  std::size_t done = 0;
  while (done < size) {
    ssize_t n = ::write(f.fd, key.data() + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      auto e = describe(path, "cannot write the key file");
      ::unlink(path.c_str());
      return make_error(e);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(f.fd) != 0) {
    auto e = describe(path, "cannot sync the key file");
    ::unlink(path.c_str());
    return make_error(e);
  }
  return {};
}

result<void> replace_key_file(const std::filesystem::path& path, const secret& key) {
  const std::filesystem::path temp = path.native() + ".tmp";
  ::unlink(temp.c_str());  // a leftover of an interrupted write holds nothing anyone uses
  {
    fd_guard f{::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)};
    if (f.fd < 0) return make_error(describe(temp, "cannot create the key file"));
    std::size_t done = 0;
    while (done < key.size()) {
      ssize_t n = ::write(f.fd, key.bytes() + done, key.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    if (done != key.size() || !give_owner(f.fd, path) || ::fsync(f.fd) != 0) {
      auto e = describe(temp, "cannot write the key file");
      ::unlink(temp.c_str());
      return make_error(e);
    }
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    auto e = describe(path, "cannot replace the key file");
    ::unlink(temp.c_str());
    return make_error(e);
  }
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  fd_guard d{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (d.fd < 0 || ::fsync(d.fd) != 0) return make_error(describe(dir, "cannot sync the directory"));
  return {};
}

result<secret> read_key_file(const std::filesystem::path& path, std::size_t size) {
  fd_guard f{::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC)};
  if (f.fd < 0) return make_error(describe(path, "cannot read the key file"));
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) return make_error(describe(path, "cannot stat the key file"));
  if (!S_ISREG(st.st_mode)) return make_error(path.string() + ": the key file is not a regular file");
  if ((st.st_mode & 077) != 0)
    return make_error(path.string() + ": the key file is readable by others (chmod 600 it)");
  if (static_cast<std::size_t>(st.st_size) != size)
    return make_error(path.string() + ": the key file has the wrong size (expected " + std::to_string(size) +
                      " bytes)");
  secret key;
  key.resize(size);
  std::size_t done = 0;
  while (done < size) {
    ssize_t n = ::read(f.fd, key.data() + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return make_error(describe(path, "cannot read the key file"));
    done += static_cast<std::size_t>(n);
  }
  return key;
}

}  // namespace sekisho
