// Who opened what: one JSON line per request (the guideline's access record, システム運用編 17章).
// I/O threads append lines to a buffer; a background thread writes the buffer out every flush interval
// (or sooner when it fills), so neither a slow disk nor a wake-up per request ever stalls an I/O thread.
// A buffer that the disk cannot keep up with drops lines and counts them rather than grow without bound.
// Lines the disk refuses (full, or failing) stay buffered and are tried again every flush interval; the
// gateway says on standard error when its access log stops and starts being written, /.sekisho/health
// reports it, and /.sekisho/metrics counts the lines lost.
//
// Requests made in a session (a user's) and requests without one (login pages, refused requests, bypass
// routes, connections closed for a cap) go to two files, each rotated on its own: rotation deletes the
// oldest file, and traffic anyone can send without an account must not be able to push the record of who
// opened which chart out of the files kept.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/config/gateway_config.hpp"
#include "core/util/result.hpp"
#include "gateway/http/access_record.hpp"
#include "gateway/server/rotating_file.hpp"

namespace sekisho::gateway {

// Where the lines without a user go: access.log → access.anonymous.log, beside it.
std::filesystem::path anonymous_log_path(const std::filesystem::path& access_log);

class access_log {
 public:
  // Off when gateway.access_log is empty; "journal" writes both kinds to standard output (journald under
  // systemd, which keeps them by its own rules).
  static result<std::unique_ptr<access_log>> open(const gateway_config& g);
  ~access_log();  // writes out what is buffered

  void write(const access_record& r);

  // Lines lost since the start: the disk refused them, or fell behind, for longer than the buffer could hold them.
  std::uint64_t lines_lost() const;
  // The last write was refused, and lines wait in memory.
  bool failing() const { return failing_.load(); }

 private:
  // Lines waiting for the writer and those dropped (guarded by mutex_); the file they go to (none: standard
  // output) and whether it refused the last write (the writer's alone).
  struct lines_to {
    std::string buffer;
    std::uint64_t dropped = 0;
    std::optional<rotating_file> file;
    bool refused = false;
    std::uint64_t dropped_before = 0;  // when it began to refuse: the lines lost since are reported
  };

  explicit access_log(bool with_query) : with_query_(with_query) {}
  lines_to& destination(const access_record& r) {
    return r.user.empty() && split_ ? without_user_ : with_user_;
  }
  void run();
  bool ready() const;
  std::size_t write_out(lines_to& to, const std::string& batch);
  static void keep_within_bound(lines_to& to);
  void lose_what_is_left(lines_to& to);

  bool with_query_;
  bool split_ = false;  // two files; the journal takes both kinds
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  lines_to with_user_;
  lines_to without_user_;
  bool stopping_ = false;
  std::atomic<bool> failing_{false};  // either file refuses; the writer waits the whole interval then
  std::thread writer_;
};

}  // namespace sekisho::gateway
