#include "gateway/server/webhook.hpp"

#include <iostream>
#include <thread>

#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "gateway/net/tcp_stream.hpp"
#include "gateway/proxy/upstream_pool.hpp"
#include "gateway/server/tls_contexts.hpp"

namespace sekisho::gateway {
namespace {

namespace http = beast::http;
namespace ssl = asio::ssl;

constexpr auto deadline = std::chrono::seconds(10);

// Sends the request and reads the answer: "" when the receiver answered 2xx, else what went wrong.
template <class Stream>
awaitable<std::string> send_and_read(Stream& s, const http::request<http::string_body>& req) {
  error_code ec;
  co_await http::async_write(s, req, with_error(ec));
  if (ec) co_return "sending: " + ec.message();
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  co_await http::async_read(s, buffer, res, with_error(ec));
  if (ec) co_return "reading the answer: " + ec.message();
  if (res.result_int() < 200 || res.result_int() > 299) co_return "answered " + std::to_string(res.result_int());
  co_return "";
}

awaitable<std::string> deliver(const http_url to, const std::string body, ssl::context& tls) {
  auto ex = co_await asio::this_coro::executor;
  error_code ec;
  tcp_resolver resolver(ex);
  const auto endpoints = co_await resolver.async_resolve(to.host, to.port, with_error(ec));
  if (ec) co_return "resolving " + to.host + ": " + ec.message();
  tcp_stream tcp(ex);
  tcp.expires_after(deadline);
  co_await tcp.async_connect(endpoints, with_error(ec));
  if (ec) co_return "connecting: " + ec.message();
  http::request<http::string_body> req{http::verb::post, to.path, 11};
  const bool default_port = to.port == (to.tls ? "443" : "80");
  const auto host = to.host.find(':') == std::string::npos ? to.host : "[" + to.host + "]";
  req.set(http::field::host, default_port ? host : host + ":" + to.port);
  req.set(http::field::content_type, "application/json");
  req.set(http::field::user_agent, "Sekisho");
  req.body() = body;
  req.keep_alive(false);
  req.prepare_payload();
  if (!to.tls) co_return co_await send_and_read(tcp, req);
  beast::ssl_stream<tcp_stream> secure(std::move(tcp), tls);
  set_server_name(secure.native_handle(), to.host);
  secure.set_verify_callback(ssl::host_name_verification(to.host));
  co_await secure.async_handshake(ssl::stream_base::client, with_error(ec));
  if (ec) co_return "TLS: " + ec.message();
  co_return co_await send_and_read(secure, req);
}

}  // namespace

void post_json_in_background(const http_url& to, std::string body) {
  std::thread([to, body = std::move(body)] {
    asio::io_context io;
    ssl::context tls(ssl::context::tls_client);
    harden_tls(tls);
    tls.set_verify_mode(ssl::verify_peer);
    error_code ec;
    tls.set_default_verify_paths(ec);
    std::string failure = "no answer within " + std::to_string(deadline.count()) + " s";
    asio::co_spawn(io.get_executor(), deliver(to, body, tls),
                   [&failure](std::exception_ptr e, std::string outcome) {
                     failure = e ? "failed" : std::move(outcome);
                   });
    io.run_for(deadline);
    if (!failure.empty())
      std::cerr << "sekisho gateway: WARNING: the break-glass webhook to " << to.host << " failed (" << failure
                << "); the emergency session goes on, review the audit trail\n";
  }).detach();
}

}  // namespace sekisho::gateway
