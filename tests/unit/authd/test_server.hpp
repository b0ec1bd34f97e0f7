// A real authd server on a socket in a temp dir, served on a background thread, plus a raw
// socket for sending bytes no well-behaved client would send.
#pragma once
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

#include "authd/client.hpp"
#include "authd/frame.hpp"
#include "authd/server.hpp"
#include "authd/unix_address.hpp"
#include "core/store/database.hpp"
#include "tests/unit/temp_dir.hpp"

namespace sekisho::test {

using namespace std::chrono_literals;

// ping, plus "sleep" (300 ms, like an Argon2 hash), "broken" (the store fails) and "admin.only".
inline void add_test_requests(authd::request_table& table) {
  using authd::permission;
  authd::register_builtin_requests(table);
  table.add({.op = "sleep", .allowed = permission::client, .max_request_bytes = 256,
             .handle = [](const nlohmann::json&, const authd::caller&) -> nlohmann::json {
               std::this_thread::sleep_for(300ms);
               return {{"ok", true}};
             }});
  table.add({.op = "broken", .allowed = permission::client, .max_request_bytes = 256,
             .handle = [](const nlohmann::json&, const authd::caller&) -> nlohmann::json {
               throw store::store_error("database is locked");
             }});
  table.add({.op = "admin.only", .allowed = permission::admin, .max_request_bytes = 256,
             .handle = [](const nlohmann::json&, const authd::caller&) -> nlohmann::json {
               return {{"ok", true}};
             }});
}

class running_server {
 public:
  explicit running_server(authd::server_options options = quick_options()) {
    add_test_requests(table_);
    server_ = std::make_unique<authd::server>(socket(), table_, std::move(options));
    auto listening = server_->listen();
    REQUIRE_MESSAGE(listening.ok(), listening.message());
    thread_ = std::thread([this] { server_->run(); });
  }
  ~running_server() { stop(); }
  running_server(const running_server&) = delete;

  static authd::server_options quick_options() {
    authd::server_options o;
    o.request_timeout = 1s;
    return o;
  }
  std::filesystem::path socket() const { return dir_.path() / "authd.sock"; }
  const temp_dir& dir() const { return dir_; }
  authd::client connect() const {
    auto c = authd::client::connect(socket(), 2000ms);
    REQUIRE_MESSAGE(c.ok(), c.message());
    return std::move(*c);
  }
  void stop() {
    if (!thread_.joinable()) return;
    server_->stop();
    thread_.join();
  }

 private:
  temp_dir dir_;
  authd::request_table table_;
  std::unique_ptr<authd::server> server_;
  std::thread thread_;
};

class raw_connection {
 public:
  explicit raw_connection(const std::filesystem::path& path) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    REQUIRE(authd::make_unix_address(path, addr));
    REQUIRE(::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);
  }
  ~raw_connection() { ::close(fd_); }
  raw_connection(const raw_connection&) = delete;

  void send(std::string_view bytes) const {
    REQUIRE(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size()));
  }
  void send_body(std::string_view body) const {
    const auto n = static_cast<std::uint32_t>(body.size());
    send(header(n));
    send(body);
  }
  nlohmann::json reply() const {
    secret body;
    REQUIRE(authd::read_frame(fd_, std::chrono::steady_clock::now() + 3s, body) == authd::read_status::complete);
    auto j = authd::parse_json_object(body.view());
    REQUIRE(j.ok());
    return *j;
  }
  // True once the server has closed its end (EOF or reset) within `limit`.
  bool closed_within(std::chrono::milliseconds limit) const {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(limit.count())) <= 0) return false;
    char c;
    const ssize_t r = ::recv(fd_, &c, 1, MSG_DONTWAIT);
    return r == 0 || (r < 0 && errno == ECONNRESET);
  }

  static std::string header(std::uint32_t n) {
    return {static_cast<char>(n >> 24), static_cast<char>(n >> 16 & 0xFF), static_cast<char>(n >> 8 & 0xFF),
            static_cast<char>(n & 0xFF)};
  }

 private:
  int fd_ = -1;
};

}  // namespace sekisho::test
