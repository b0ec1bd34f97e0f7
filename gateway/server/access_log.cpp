#include "gateway/server/access_log.hpp"

#include <iostream>

namespace sekisho::gateway {
namespace fs = std::filesystem;
namespace {

// Lines reach the file at most this late; a request never waits for them.
constexpr auto flush_interval = std::chrono::milliseconds(200);
// The writer is woken early when this much is buffered for a file ...
constexpr std::size_t flush_bytes = 256 * 1024;
// ... and lines are dropped (and counted) beyond this, when the disk cannot keep up.
constexpr std::size_t max_buffered_bytes = 32 * 1024 * 1024;

}  // namespace

fs::path anonymous_log_path(const fs::path& access_log) {
  auto name = access_log.stem();
  name += ".anonymous";
  name += access_log.extension();
  return access_log.parent_path() / name;
}

result<std::unique_ptr<access_log>> access_log::open(const gateway_config& g) {
  if (g.access_log.empty()) return std::unique_ptr<access_log>{};
  std::unique_ptr<access_log> log(new access_log(g.access_log_query));
  if (g.access_log != "journal") {
    for (auto [to, path] : {std::pair{&log->with_user_, g.access_log},
                            std::pair{&log->without_user_, anonymous_log_path(g.access_log)}}) {
      auto file = rotating_file::open(path, g.access_log_max_bytes, g.access_log_keep);
      if (!file) return file.err();
      to->file.emplace(std::move(*file));
    }
    log->split_ = true;
  }
  log->writer_ = std::thread([raw = log.get()] { raw->run(); });
  return log;
}

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
    auto& buffer = destination(r).buffer;
    if (buffer.size() >= max_buffered_bytes) {
      ++dropped_;
      return;
    }
    const auto before = buffer.size();
    append_json_line(buffer, r, with_query_);
    full = before < flush_bytes && buffer.size() >= flush_bytes;
  }
  if (full) wake_.notify_one();  // once per full buffer, never per request
}

bool access_log::ready() const {
  return stopping_ || with_user_.buffer.size() >= flush_bytes || without_user_.buffer.size() >= flush_bytes;
}

void access_log::run() {
  std::unique_lock lock(mutex_);
  std::string with_user, without_user;
  for (;;) {
    wake_.wait_for(lock, flush_interval, [&] { return ready(); });
    with_user.clear();
    without_user.clear();
    with_user.swap(with_user_.buffer);  // the I/O threads go on filling the emptied buffers meanwhile
    without_user.swap(without_user_.buffer);
    const bool last = stopping_;
    lock.unlock();
    write_out(with_user_, with_user);
    write_out(without_user_, without_user);
    lock.lock();
    if (last && with_user_.buffer.empty() && without_user_.buffer.empty()) return;
  }
}

void access_log::write_out(lines_to& to, const std::string& batch) {
  if (batch.empty()) return;
  if (to.file) to.file->append(batch);
  else std::cout << batch << std::flush;
}

}  // namespace sekisho::gateway
