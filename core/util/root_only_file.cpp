#include "core/util/root_only_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sekisho {

result<secret> read_root_only_file(const std::string& path, std::string_view label, std::size_t max_bytes) {
  const auto error = [&](const std::string& why) { return make_error(std::string(label) + " " + path + ": " + why); };
  // O_NONBLOCK: a FIFO must not hang the caller (it is refused below, as is anything not regular).
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) return error(std::strerror(errno));
  struct stat st {};
  const bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  const bool private_to_root = regular && (st.st_uid == 0 || st.st_uid == ::geteuid()) && (st.st_mode & 077) == 0;
  secret text;
  ssize_t n = -1;
  if (private_to_root) {
    text.resize(max_bytes + 1);
    n = ::read(fd, text.data(), max_bytes + 1);
  }
  ::close(fd);
  if (!regular) return error("not a regular file");
  if (!private_to_root) return error("must be owned by root and readable by no one else (chmod 600)");
  if (n < 0) return error(std::strerror(errno));
  if (static_cast<std::size_t>(n) > max_bytes) return error("too large");
  text.resize(static_cast<std::size_t>(n));
  return text;
}

}  // namespace sekisho
