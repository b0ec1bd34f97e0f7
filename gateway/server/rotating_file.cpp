#include "gateway/server/rotating_file.hpp"

#include <cerrno>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sekisho::gateway {
namespace fs = std::filesystem;
namespace {

std::error_code last_error() { return {errno, std::generic_category()}; }

}  // namespace

result<rotating_file> rotating_file::open(fs::path path, std::uint64_t max_bytes, int keep) {
  rotating_file f(std::move(path), max_bytes, keep);
  if (const auto ec = f.reopen())
    return make_error(f.path_.string() + ": cannot open the access log for writing (" + ec.message() + ")");
  return f;
}

rotating_file::rotating_file(fs::path path, std::uint64_t max_bytes, int keep)
    : path_(std::move(path)), max_bytes_(max_bytes), keep_(keep) {}

rotating_file::rotating_file(rotating_file&& o) noexcept
    : path_(std::move(o.path_)), max_bytes_(o.max_bytes_), keep_(o.keep_), fd_(o.fd_), size_(o.size_) {
  o.fd_ = -1;
}

rotating_file::~rotating_file() {
  if (fd_ >= 0) ::close(fd_);
}

std::error_code rotating_file::reopen() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd_ < 0) return last_error();
  ::fchmod(fd_, 0640);  // a file left by an older version, or made under another umask
  struct stat st{};
  size_ = ::fstat(fd_, &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
  return {};
}

rotating_file::appended rotating_file::append(std::string_view lines) {
  appended done;
  if (fd_ < 0 && (done.error = reopen())) return done;
  // Cut at the line that reaches the limit, so a file passes max_bytes by one line at most however much the
  // I/O threads wrote while the writer waited for the CPU.
  while (!lines.empty()) {
    std::size_t take = lines.size();
    if (size_ + take > max_bytes_) {
      const auto end_of_line = lines.find('\n', max_bytes_ > size_ ? max_bytes_ - size_ - 1 : 0);
      take = end_of_line == std::string_view::npos ? lines.size() : end_of_line + 1;
    }
    if ((done.error = write_whole(lines.substr(0, take)))) return done;
    size_ += take;
    done.bytes += take;
    lines.remove_prefix(take);
    if (size_ >= max_bytes_ && (done.error = rotate())) return done;
  }
  return done;
}

// All of `lines` or, on failure, none: what a refused write() left of them is cut off again.
std::error_code rotating_file::write_whole(std::string_view lines) {
  // The end as the file system has it (someone may have truncated the file), not as counted.
  const off_t start = ::lseek(fd_, 0, SEEK_END);
  while (!lines.empty()) {
    const auto n = ::write(fd_, lines.data(), lines.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const auto ec = n < 0 ? last_error() : std::make_error_code(std::errc::no_space_on_device);
      // Shrinking a file takes no room, so a full disk does not stop this; should it fail all the same, the
      // retry follows the cut line and spoils only that one.
      if (start >= 0 && ::ftruncate(fd_, start) != 0) return last_error();
      return ec;
    }
    lines.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

std::error_code rotating_file::rotate() {
  std::error_code ec;
  auto numbered = [&](int n) { return fs::path(path_.string() + "." + std::to_string(n)); };
  fs::remove(numbered(keep_), ec);
  for (int n = keep_ - 1; n >= 1; --n) fs::rename(numbered(n), numbered(n + 1), ec);
  fs::rename(path_, numbered(1), ec);
  if (ec) return ec;  // still the same file: the next append tries again
  return reopen();
}

}  // namespace sekisho::gateway
