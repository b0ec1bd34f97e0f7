#include "gateway/server/access_log.hpp"

#include <ctime>
#include <iostream>

#include <nlohmann/json.hpp>

namespace sekisho::gateway {
namespace fs = std::filesystem;
namespace {

constexpr std::size_t max_queued_lines = 100000;

std::string iso8601(std::chrono::system_clock::time_point t) {
  const auto secs = std::chrono::system_clock::to_time_t(t);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms));
  return out;
}

double round_ms(double ms) { return static_cast<double>(static_cast<long long>(ms * 1000.0)) / 1000.0; }

}  // namespace

std::string to_json_line(const access_record& r, bool with_query) {
  nlohmann::json j = {
      {"time", iso8601(r.time)}, {"user", r.user},     {"session", r.session},     {"client", r.client},
      {"host", r.host},          {"method", r.method}, {"path", r.path},           {"status", r.status},
      {"bytes_in", r.bytes_in},  {"bytes_out", r.bytes_out}, {"upstream", r.upstream},
      {"upstream_ms", round_ms(r.upstream_ms)},       {"total_ms", round_ms(r.total_ms)},
  };
  if (with_query) j["query"] = r.query;
  // Paths are percent-encoded ASCII by now; `replace` guards against anything else.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

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
  auto line = to_json_line(r, with_query_);
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= max_queued_lines) {
      ++dropped_;
      return;
    }
    queue_.push_back(std::move(line));
  }
  wake_.notify_one();
}

void access_log::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    std::string batch;
    while (!queue_.empty()) {
      batch += queue_.front();
      queue_.pop_front();
    }
    const bool last = stopping_;
    lock.unlock();
    if (!batch.empty()) append(batch);
    lock.lock();
    if (last && queue_.empty()) return;
  }
}

void access_log::append(const std::string& lines) {
  if (path_ == "journal") {
    std::cout << lines << std::flush;
    return;
  }
  file_ << lines << std::flush;
  size_ += lines.size();
  if (size_ >= max_bytes_) rotate();
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
