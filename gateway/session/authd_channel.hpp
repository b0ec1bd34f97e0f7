// The gateway's asynchronous line to authd: framed JSON over the Unix socket, a few idle connections
// kept per worker, every call bounded by a deadline. A failure is a value; callers fail closed.
#pragma once
#include <chrono>
#include <filesystem>
#include <memory>
#include <vector>

#include <boost/asio/local/stream_protocol.hpp>
#include <nlohmann/json.hpp>

#include "core/util/result.hpp"
#include "gateway/net/asio.hpp"
#include "gateway/server/metrics.hpp"

namespace sekisho::gateway {

class authd_channel {
 public:
  // `metrics`, when given, gets each call's latency by op (the worker's own counters: same thread).
  authd_channel(asio::io_context& io, std::filesystem::path socket, std::chrono::milliseconds timeout,
                gateway_metrics* metrics = nullptr);

  awaitable<result<nlohmann::json>> call(const nlohmann::json& request);

  using socket_type = asio::basic_stream_socket<asio::local::stream_protocol, executor>;

 private:
  // `unsent`: the request could not be written at all because authd had closed the connection.
  awaitable<result<nlohmann::json>> call_on(socket_type& s, const std::string& frame, bool& unsent);
  awaitable<result<nlohmann::json>> exchange(const std::string& frame);

  asio::io_context& io_;
  std::filesystem::path path_;
  std::chrono::milliseconds timeout_;
  gateway_metrics* metrics_;
  std::vector<std::unique_ptr<socket_type>> idle_;
};

}  // namespace sekisho::gateway
