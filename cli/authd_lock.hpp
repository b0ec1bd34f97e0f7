// authd holds an flock on SOCKET.lock while it runs (authd/server_socket.cpp). Commands that must not
// run under a live authd (restore, rotate-keys) take the same lock, so they refuse while authd runs
// and no authd can start halfway through. No lock file: no authd ever ran here. The file is never
// created here, or it could end up owned by root.
#pragma once
#include <filesystem>
#include <string_view>

#include "core/util/result.hpp"

namespace sekisho::cli {

class authd_lock {
 public:
  // `action` completes "stop it before …" in the error.
  static result<authd_lock> take(const std::filesystem::path& socket, std::string_view action);
  authd_lock(authd_lock&& o) noexcept;
  authd_lock(const authd_lock&) = delete;
  authd_lock& operator=(const authd_lock&) = delete;
  ~authd_lock();

 private:
  explicit authd_lock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace sekisho::cli
