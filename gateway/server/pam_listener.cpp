#include "gateway/server/pam_listener.hpp"

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "authd/frame.hpp"
#include "core/util/strict_json.hpp"
#include "gateway/net/tls_stream.hpp"
#include "gateway/server/connection_slot.hpp"
#include "gateway/server/worker.hpp"

namespace sekisho::gateway {
namespace {

using nlohmann::json;

// A PAM request is a few hundred bytes (authd's own limit for the largest is 4 KiB).
constexpr std::size_t max_pam_frame_bytes = 8192;

// One frame's body, or nullopt when the client went away, was too slow, or sent one too large or empty.
awaitable<std::optional<secret>> read_request(tls_stream& client, std::chrono::seconds wait, std::chrono::seconds timeout) {
  unsigned char header[authd::frame_header_bytes];
  error_code ec;
  client.expires_after(wait);
  co_await asio::async_read(client, asio::buffer(header), with_error(ec));
  if (ec) co_return std::nullopt;
  const std::size_t length = authd::frame_length({reinterpret_cast<const char*>(header), sizeof header});
  if (length == 0 || length > max_pam_frame_bytes) co_return std::nullopt;
  secret body;
  body.resize(length);
  client.expires_after(timeout);
  co_await asio::async_read(client, asio::buffer(body.data(), length), with_error(ec));
  if (ec) co_return std::nullopt;
  co_return body;
}

// The request as authd's pam.remote, or the refusal to send back.
json relayed(const secret& body, const std::string& peer) {
  auto inner = authd::parse_request_body(body.view());
  if (!inner) return {{"ok", false}, {"error", "malformed"}};
  json out;
  const auto token = inner->find("host_token");
  if (token != inner->end() && token->is_string()) {
    out = {{"op", "pam.remote"}, {"token", token->get<std::string>()}, {"peer", peer}};
    inner->erase("host_token");
    out["request"] = std::move(*inner);
  } else {
    out = {{"ok", false}, {"error", "unknown_host"}};
  }
  wipe_json(*inner);
  return out;
}

}  // namespace

awaitable<void> serve_pam(worker& w, tcp_socket socket) {
  const connection_slot slot(w.shared(), socket);
  const auto peer = to_string(slot.peer());
  const auto pool = w.pool();
  const auto& g = pool->state().settings.gateway;
  if (slot.refusal(g)) co_return;  // over a cap, as for a browser: closed at once
  error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  tls_stream client(std::move(socket), pool->state().tls->initial());
  client.expires_after(g.header_timeout);
  co_await client.async_handshake(with_error(ec));
  if (ec) co_return;
  for (bool first = true; !w.draining(); first = false) {
    const auto body = co_await read_request(client, first ? g.header_timeout : g.idle_timeout, g.header_timeout);
    if (!body) break;
    auto request = relayed(*body, peer);
    json reply;
    if (request.contains("ok")) {
      reply = std::move(request);
    } else {
      auto answer = co_await w.authd().call(request);
      wipe_json(request);
      reply = answer ? std::move(*answer) : json{{"ok", false}, {"error", "unavailable"}};
    }
    const auto frame = authd::encode_frame(reply);
    client.expires_after(g.header_timeout);
    co_await asio::async_write(client, asio::buffer(frame), with_error(ec));
    if (ec || reply.value("error", "") == "malformed") break;
  }
  client.expires_after(std::chrono::seconds(2));
  co_await client.async_shutdown(with_error(ec));
  client.close();
}

}  // namespace sekisho::gateway
