// A disk that refuses writes, for the tests of what the gateway does then: RLIMIT_FSIZE makes every write
// past `bytes` in any file of this process fail with EFBIG (its signal ignored), as a full disk fails them
// with ENOSPC, until lift() or the end of the scope.
#pragma once
#include <csignal>
#include <cstdint>

#include <sys/resource.h>

namespace sekisho::test {

class file_size_limit {
 public:
  explicit file_size_limit(std::uint64_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &before_);
    previous_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    rlimit limit = before_;
    limit.rlim_cur = bytes;
    ::setrlimit(RLIMIT_FSIZE, &limit);
  }
  ~file_size_limit() {
    lift();
    std::signal(SIGXFSZ, previous_handler_);
  }
  file_size_limit(const file_size_limit&) = delete;
  void lift() { ::setrlimit(RLIMIT_FSIZE, &before_); }

 private:
  rlimit before_{};
  void (*previous_handler_)(int) = nullptr;
};

}  // namespace sekisho::test
