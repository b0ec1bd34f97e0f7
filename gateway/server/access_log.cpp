#include "gateway/server/access_log.hpp"

#include <algorithm>
#include <cerrno>
#include <iostream>

#include <unistd.h>

namespace sekisho::gateway {
namespace fs = std::filesystem;
namespace {

// Lines reach the file at most this late; a request never waits for them.
constexpr auto flush_interval = std::chrono::milliseconds(200);
// The writer is woken early when this much is buffered for a file ...
constexpr std::size_t flush_bytes = 256 * 1024;
// ... and lines are dropped (and counted) beyond this, when the disk cannot keep up.
constexpr std::size_t max_buffered_bytes = 32 * 1024 * 1024;

// "journal": what a refused write() did not take is tried again later, from where it stopped (a stream
// cannot take back half a line, but the rest of it follows in order).
rotating_file::appended write_to_standard_output(std::string_view lines) {
  rotating_file::appended done;
  while (done.bytes < lines.size()) {
    const auto n = ::write(STDOUT_FILENO, lines.data() + done.bytes, lines.size() - done.bytes);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      done.error = n < 0 ? std::error_code(errno, std::generic_category()) : std::make_error_code(std::errc::io_error);
      break;
    }
    done.bytes += static_cast<std::size_t>(n);
  }
  return done;
}

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
    auto& to = destination(r);
    if (to.buffer.size() >= max_buffered_bytes) {
      ++to.dropped;
      return;
    }
    const auto before = to.buffer.size();
    append_json_line(to.buffer, r, with_query_);
    full = before < flush_bytes && to.buffer.size() >= flush_bytes;
  }
  if (full) wake_.notify_one();  // once per full buffer, never per request
}

std::uint64_t access_log::lines_lost() const {
  std::lock_guard lock(mutex_);
  return with_user_.dropped + without_user_.dropped;
}

bool access_log::ready() const {
  // While a file refuses lines, its buffer stays full: wait the whole interval before trying again.
  return stopping_ || (!failing_ && (with_user_.buffer.size() >= flush_bytes ||
                                     without_user_.buffer.size() >= flush_bytes));
}

void access_log::run() {
  std::unique_lock lock(mutex_);
  std::string batches[2];
  lines_to* const destinations[2] = {&with_user_, &without_user_};
  for (;;) {
    wake_.wait_for(lock, flush_interval, [&] { return ready(); });
    const bool last = stopping_;
    for (int i = 0; i < 2; ++i) batches[i].swap(destinations[i]->buffer);  // the I/O threads go on meanwhile
    lock.unlock();
    std::size_t written[2];
    for (int i = 0; i < 2; ++i) written[i] = write_out(*destinations[i], batches[i]);
    lock.lock();
    for (int i = 0; i < 2; ++i) {
      // What was not written goes back in front of what came meanwhile, to be tried again.
      destinations[i]->buffer.insert(0, batches[i], written[i]);
      batches[i].clear();
      keep_within_bound(*destinations[i]);
    }
    failing_ = with_user_.refused || without_user_.refused;
    if (last && (failing_ || (with_user_.buffer.empty() && without_user_.buffer.empty()))) {
      for (auto* to : destinations) lose_what_is_left(*to);
      return;
    }
  }
}

std::size_t access_log::write_out(lines_to& to, const std::string& batch) {
  if (batch.empty()) return 0;
  const auto done = to.file ? to.file->append(batch) : write_to_standard_output(batch);
  if (static_cast<bool>(done.error) == to.refused) return done.bytes;
  std::uint64_t dropped = 0;
  {
    std::lock_guard lock(mutex_);
    dropped = to.dropped;
  }
  const auto name = to.file ? to.file->path().string() : std::string("standard output");
  if (done.error) {
    to.dropped_before = dropped;
    std::cerr << "sekisho gateway: WARNING: the access log " << name << " cannot be written ("
              << done.error.message() << "); its lines are kept in memory (up to "
              << max_buffered_bytes / (1024 * 1024) << " MiB) and written when it can be" << std::endl;
  } else {
    std::cerr << "sekisho gateway: the access log " << name << " is written again; "
              << dropped - to.dropped_before << " lines were lost meanwhile" << std::endl;
  }
  to.refused = static_cast<bool>(done.error);
  return done.bytes;
}

// Lines put back while others came can take a buffer past its bound: the newest beyond it are dropped (and
// counted), so memory stays bounded however long the disk refuses.
void access_log::keep_within_bound(lines_to& to) {
  if (to.buffer.size() <= max_buffered_bytes) return;
  const auto cut = to.buffer.rfind('\n', max_buffered_bytes - 1) + 1;  // npos + 1 == 0: nothing whole fits
  to.dropped += static_cast<std::uint64_t>(std::count(to.buffer.begin() + static_cast<std::ptrdiff_t>(cut),
                                                      to.buffer.end(), '\n'));
  to.buffer.resize(cut);
}

// Stopping while the disk refuses lines: what is still buffered is lost, and said so.
void access_log::lose_what_is_left(lines_to& to) {
  if (to.buffer.empty()) return;
  const auto lines = static_cast<std::uint64_t>(std::count(to.buffer.begin(), to.buffer.end(), '\n'));
  to.dropped += lines;
  to.buffer.clear();
  std::cerr << "sekisho gateway: WARNING: stopping; access-log lines lost, since the disk refused them: " << lines
            << std::endl;
}

}  // namespace sekisho::gateway
