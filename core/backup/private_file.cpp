#include "core/backup/private_file.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace sekisho::backup {
namespace {

error failed(const std::filesystem::path& p, const char* what) {
  return make_error(p.string() + ": " + what + ": " + std::strerror(errno));
}

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// rename(2) that fails with EEXIST instead of replacing.
int rename_no_replace(const char* from, const char* to) {
  if (::renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS) return -1;
  if (::link(from, to) != 0) return -1;
  return ::unlink(from);
}

}  // namespace

result<void> write_new_private_file(const std::filesystem::path& path, std::string_view bytes) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) return make_error(path.string() + ": exists already; a backup is never overwritten");
  const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::string temp = (dir / ("." + path.filename().string() + ".XXXXXX")).string();
  const int fd = ::mkostemp(temp.data(), O_CLOEXEC);  // mode 0600
  if (fd < 0) return failed(dir, "cannot create a file there");
  const bool written = write_all(fd, bytes) && ::fsync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  if (!written) {
    ::unlink(temp.c_str());
    errno = saved;
    return failed(path, "cannot write the backup");
  }
  if (rename_no_replace(temp.c_str(), path.c_str()) != 0) {
    const bool exists = errno == EEXIST;
    auto e = failed(path, "cannot put the backup in place");
    ::unlink(temp.c_str());
    if (exists) return make_error(path.string() + ": exists already; a backup is never overwritten");
    return e;
  }
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return {};
}

result<std::string> read_whole_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(path.string() + ": cannot read the backup file: " + std::strerror(errno));
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) return make_error(path.string() + ": cannot read the backup file");
  return s.str();
}

}  // namespace sekisho::backup
