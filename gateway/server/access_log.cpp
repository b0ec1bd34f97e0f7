#include "gateway/server/access_log.hpp"

#include <iostream>
#include <string_view>

namespace sekisho::gateway {
namespace fs = std::filesystem;
namespace {

// Lines reach the file at most this late; a request never waits for them.
constexpr auto flush_interval = std::chrono::milliseconds(200);
// The writer is woken early when this much is buffered ...
constexpr std::size_t flush_bytes = 256 * 1024;
// ... and lines are dropped (and counted) beyond this, when the disk cannot keep up.
constexpr std::size_t max_buffered_bytes = 64 * 1024 * 1024;

}  // namespace

result<std::unique_ptr<access_log>> access_log::open(const gateway_config& g) {
  if (g.access_log.empty()) return std::unique_ptr<access_log>{};
  std::unique_ptr<access_log> log(new access_log(g.access_log, g.access_log_query, g.access_log_max_bytes,
                                                 g.access_log_keep));
  if (g.access_log != "journal") {
    log->file_.open(g.access_log, std::ios::app | std::ios::binary);
    if (!log->file_) return make_error(g.access_log.string() + ": cannot open the access log for writing");
    std::error_code ec;
    log->size_ = fs::file_size(g.access_log, ec);
    fs::permissions(g.access_log, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read, ec);
  }
  log->writer_ = std::thread([raw = log.get()] { raw->run(); });
  return log;
}

access_log::access_log(fs::path path, bool with_query, std::uint64_t max_bytes, int keep)
    : path_(std::move(path)), with_query_(with_query), max_bytes_(max_bytes), keep_(keep) {}

access_log::~access_log() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (writer_.joinable()) writer_.join();
}

void access_log::write(const access_record& r) {
  bool full = false;
  {
    std::lock_guard lock(mutex_);
    if (buffer_.size() >= max_buffered_bytes) {
      ++dropped_;
      return;
    }
    const auto before = buffer_.size();
    append_json_line(buffer_, r, with_query_);
    full = before < flush_bytes && buffer_.size() >= flush_bytes;
  }
  if (full) wake_.notify_one();  // once per full buffer, never per request
}

void access_log::run() {
  std::unique_lock lock(mutex_);
  std::string batch;
  for (;;) {
    wake_.wait_for(lock, flush_interval, [&] { return stopping_ || buffer_.size() >= flush_bytes; });
    batch.clear();
    batch.swap(buffer_);  // the I/O threads go on filling the emptied buffer meanwhile
    const bool last = stopping_;
    lock.unlock();
    if (!batch.empty()) append(batch);
    lock.lock();
    if (last && buffer_.empty()) return;
  }
}

void access_log::append(const std::string& lines) {
  if (path_ == "journal") {
    std::cout << lines << std::flush;
    return;
  }
  // Cut at the line that reaches the limit, so a file passes max_bytes by one line at most however much the
  // I/O threads wrote while this thread waited for the CPU.
  std::string_view rest = lines;
  while (!rest.empty()) {
    std::size_t take = rest.size();
    if (size_ + take > max_bytes_) {
      const auto end_of_line = rest.find('\n', max_bytes_ > size_ ? max_bytes_ - size_ - 1 : 0);
      take = end_of_line == std::string_view::npos ? rest.size() : end_of_line + 1;
    }
    file_.write(rest.data(), static_cast<std::streamsize>(take));
    size_ += take;
    rest.remove_prefix(take);
    if (size_ >= max_bytes_) rotate();
  }
  file_.flush();
}

// access.log → access.log.1 → … → access.log.N (the oldest is removed).
void access_log::rotate() {
  file_.close();
  std::error_code ec;
  auto numbered = [&](int n) { return fs::path(path_.string() + "." + std::to_string(n)); };
  fs::remove(numbered(keep_), ec);
  for (int n = keep_ - 1; n >= 1; --n) fs::rename(numbered(n), numbered(n + 1), ec);
  fs::rename(path_, numbered(1), ec);
  file_.open(path_, std::ios::app | std::ios::binary);
  fs::permissions(path_, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read, ec);
  size_ = 0;
}

}  // namespace sekisho::gateway
