// A blocking authd client for the CLI, tests and (later) the gateway. One persistent connection;
// each call has its own deadline. Holds no database and no secret beyond the call in flight.
#pragma once
#include <chrono>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/util/result.hpp"

namespace sekisho::authd {

class client {
 public:
  static result<client> connect(const std::filesystem::path& socket, std::chrono::milliseconds timeout);

  client(client&& other) noexcept;
  client& operator=(client&& other) noexcept;
  client(const client&) = delete;
  client& operator=(const client&) = delete;
  ~client();

  // Sends one request and waits at most the timeout for its reply. authd's refusals
  // ({"ok":false,...}) are replies, returned as values; an error means no usable reply
  // (timeout, closed connection, garbled frame), after which the connection is closed.
  // authd closes idle connections after its request_timeout: connect again then.
  result<nlohmann::json> call(const nlohmann::json& request);

  bool connected() const { return fd_ >= 0; }

 private:
  client(int fd, std::chrono::milliseconds timeout) : fd_(fd), timeout_(timeout) {}
  void close();

  int fd_ = -1;
  std::chrono::milliseconds timeout_;
};

}  // namespace sekisho::authd
