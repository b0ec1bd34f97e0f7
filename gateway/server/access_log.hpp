// Who opened what: one JSON line per request (the guideline's access record, システム運用編 17章).
// I/O threads append lines to a buffer; a background thread writes the buffer out every flush interval
// (or sooner when it fills), so neither a slow disk nor a wake-up per request ever stalls an I/O thread.
// A buffer that the disk cannot keep up with drops lines and counts them rather than grow without bound.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/config/gateway_config.hpp"
#include "core/util/result.hpp"
#include "gateway/http/access_record.hpp"

namespace sekisho::gateway {

class access_log {
 public:
  // Off when gateway.access_log is empty; "journal" writes to standard output (journald under systemd).
  static result<std::unique_ptr<access_log>> open(const gateway_config& g);
  ~access_log();  // writes out what is buffered

  void write(const access_record& r);
  std::uint64_t dropped() const { return dropped_.load(); }

 private:
  access_log(std::filesystem::path path, bool with_query, std::uint64_t max_bytes, int keep);
  void run();
  void append(const std::string& lines);
  void rotate();

  std::filesystem::path path_;
  bool with_query_;
  std::uint64_t max_bytes_;
  int keep_;
  std::ofstream file_;
  std::uint64_t size_ = 0;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::string buffer_;
  bool stopping_ = false;
  std::atomic<std::uint64_t> dropped_{0};
  std::thread writer_;
};

}  // namespace sekisho::gateway
