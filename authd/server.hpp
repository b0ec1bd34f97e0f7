// authd's unix-socket server: one thread per connection, capped; every read and write has a
// deadline; each frame is parsed strictly and dispatched through the request table.
#pragma once
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <list>
#include <mutex>
#include <thread>
#include <vector>

#include "authd/request_table.hpp"
#include "core/util/result.hpp"

namespace sekisho::authd {

struct server_options {
  // Connections beyond this are accepted, told {"ok":false,"error":"busy"} and closed at once,
  // so a client fails fast and retries instead of hanging in the backlog.
  int max_connections = 64;
  // The longest a connection may take to send one whole request (or sit idle between requests),
  // and to take one reply. Cuts off slow or silent clients (slowloris).
  std::chrono::seconds request_timeout{10};
  // Uids admitted at accept time (resolve_client_uids); root and authd's own uid always are.
  std::vector<uid_t> allowed_uids;
};

class server {
 public:
  server(std::filesystem::path socket_path, const request_table& table, server_options options = {});
  ~server();  // removes the socket file it created; run() must have returned
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // Creates the socket (mode 0660). Refuses a path that exists and is not a socket, and a socket
  // another authd is listening on; replaces a stale socket left by a dead one.
  result<void> listen();
  // Serves until stop(); then closes every connection and joins its thread before returning.
  void run();
  // Thread-safe and async-signal-safe (an atomic store and a write(2) to a self-pipe).
  void stop();

  const std::filesystem::path& socket_path() const { return path_; }

 private:
  struct connection {
    int fd = -1;  // closed by its own thread under mutex_, so stop never touches a reused fd
    bool finished = false;
    std::thread thread;
  };

  result<void> take_lock();
  result<void> clear_stale_socket();
  void accept_one();
  void refuse(int fd, const char* error);
  void serve(connection& c, caller who);
  void reap_finished();
  void close_all();

  std::filesystem::path path_;
  const request_table& table_;
  server_options options_;
  int listen_fd_ = -1;
  int lock_fd_ = -1;
  int wake_read_ = -1, wake_write_ = -1;
  dev_t socket_dev_ = 0;
  ino_t socket_ino_ = 0;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::list<connection> connections_;  // list: nodes stay put while their threads use them
};

}  // namespace sekisho::authd
