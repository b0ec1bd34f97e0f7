#include "gateway/server/rotating_file.hpp"

namespace sekisho::gateway {
namespace fs = std::filesystem;
namespace {

void owner_and_group_read(const fs::path& path) {
  std::error_code ec;
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read, ec);
}

}  // namespace

result<rotating_file> rotating_file::open(fs::path path, std::uint64_t max_bytes, int keep) {
  rotating_file f(std::move(path), max_bytes, keep);
  f.file_.open(f.path_, std::ios::app | std::ios::binary);
  if (!f.file_) return make_error(f.path_.string() + ": cannot open the access log for writing");
  std::error_code ec;
  f.size_ = fs::file_size(f.path_, ec);
  owner_and_group_read(f.path_);
  return f;
}

rotating_file::rotating_file(fs::path path, std::uint64_t max_bytes, int keep)
    : path_(std::move(path)), max_bytes_(max_bytes), keep_(keep) {}

void rotating_file::append(std::string_view lines) {
  // Cut at the line that reaches the limit, so a file passes max_bytes by one line at most however much the
  // I/O threads wrote while the writer waited for the CPU.
  while (!lines.empty()) {
    std::size_t take = lines.size();
    if (size_ + take > max_bytes_) {
      const auto end_of_line = lines.find('\n', max_bytes_ > size_ ? max_bytes_ - size_ - 1 : 0);
      take = end_of_line == std::string_view::npos ? lines.size() : end_of_line + 1;
    }
    file_.write(lines.data(), static_cast<std::streamsize>(take));
    size_ += take;
    lines.remove_prefix(take);
    if (size_ >= max_bytes_) rotate();
  }
  file_.flush();
}

void rotating_file::rotate() {
  file_.close();
  std::error_code ec;
  auto numbered = [&](int n) { return fs::path(path_.string() + "." + std::to_string(n)); };
  fs::remove(numbered(keep_), ec);
  for (int n = keep_ - 1; n >= 1; --n) fs::rename(numbered(n), numbered(n + 1), ec);
  fs::rename(path_, numbered(1), ec);
  file_.open(path_, std::ios::app | std::ios::binary);
  owner_and_group_read(path_);
  size_ = 0;
}

}  // namespace sekisho::gateway
