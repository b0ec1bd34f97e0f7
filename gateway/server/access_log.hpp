// Who opened what: one JSON line per request (the guideline's access record, システム運用編 17章). Lines
// are queued and written by a background thread, so a slow disk never stalls an I/O thread; a full queue
// drops lines and counts them rather than grow without bound.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/config/gateway_config.hpp"
#include "core/util/result.hpp"

namespace sekisho::gateway {

struct access_record {
  std::chrono::system_clock::time_point time;
  std::string user;          // empty for anonymous (bypass) requests
  std::string session;       // a short hash of the session id, never the id itself
  std::string client;
  std::string host;
  std::string method;
  std::string path;
  std::string query;
  unsigned status = 0;
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  std::string upstream;
  double upstream_ms = 0;
  double total_ms = 0;
};

std::string to_json_line(const access_record& r, bool with_query);

class access_log {
 public:
  // Off when gateway.access_log is empty; "journal" writes to standard output (journald under systemd).
  static result<std::unique_ptr<access_log>> open(const gateway_config& g);
  ~access_log();

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
  std::deque<std::string> queue_;
  bool stopping_ = false;
  std::atomic<std::uint64_t> dropped_{0};
  std::thread writer_;
};

}  // namespace sekisho::gateway
