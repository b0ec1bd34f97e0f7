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
