#include "gateway/proxy/forward.hpp"

#include <limits>
#include <optional>

#include <boost/asio/post.hpp>
#include <boost/beast/http/write.hpp>

#include "gateway/http/head_writer.hpp"
#include "gateway/http/header_names.hpp"
#include "gateway/http/response_rewrite.hpp"
#include "gateway/http/session_cookie.hpp"
#include "gateway/proxy/tunnel.hpp"
#include "gateway/http/error_pages.hpp"
#include "gateway/server/read_head.hpp"

namespace sekisho::gateway {
namespace {

constexpr std::size_t max_response_head_bytes = 64 * 1024;
// Informational responses before the real one: a few are normal (103 Early Hints); an endless stream of them
// would hold the request and grow its head arena.
constexpr int max_informational_responses = 8;

// Token comparison is case-insensitive like header names, and '_' never appears in these tokens.
bool contains_token(std::string_view list, std::string_view token) {
  return any_list_item(list, [token](std::string_view item) { return same_header(item, token); });
}

bool wants_continue(const head_fields& f) { return contains_token(f[http::field::expect], "100-continue"); }

awaitable<void> send_own(client_stream& client, text_response r, std::chrono::seconds timeout) {
  error_code ec;
  beast::get_lowest_layer(client).expires_after(timeout);
  co_await http::async_write(client, r, with_error(ec));
}

awaitable<forward_outcome> fail_with(client_stream& client, unsigned status, unsigned version, std::chrono::seconds timeout) {
  co_await send_own(client, error_page(status, version, false), timeout);
  co_return forward_outcome{status, false};
}

// Why an exchange stopped before the client got a response head.
enum class stage { ok, retry, bad_gateway, timeout, too_large, client_too_slow, client_gone };

struct upstream_exchange {
  stage result = stage::ok;
  forward_outcome outcome;
  bool upstream_reusable = false;
};

upstream_exchange stopped(stage s) {
  upstream_exchange x;
  x.result = s;
  return x;
}

// Busy (every one of max_connections in use all along): 503, as for an overloaded server.
unsigned failure_status(connect_failure f) {
  switch (f) {
    case connect_failure::timeout: return 504;
    case connect_failure::busy: return 503;
    default: return 502;
  }
}

stage upstream_failure(const error_code& ec) { return ec == beast::error::timeout ? stage::timeout : stage::bad_gateway; }

// A request body that did not arrive: too large, too slow (its deadline or pace; the deadline closed the
// connection), or the client went away.
stage client_body_failure(const error_code& ec) {
  if (ec == http::error::body_limit) return stage::too_large;
  return ec == beast::error::timeout ? stage::client_too_slow : stage::client_gone;
}

// The response's head, after any informational ones (other than 101): those are dropped, since the
// gateway answered any Expect itself. Reads into the connection's buffer, where the body's start stays; the
// head is the request's (chunk.response), its framing in `body`.
template <class Upstream>
awaitable<error_code> read_response_head(Upstream& up, upstream_connection& conn, relay_buffer& chunk, bool is_head,
                                         io_clock::duration timeout, body_framing& body) {
  for (int informational = 0; informational <= max_informational_responses; ++informational) {
    error_code ec;
    const auto size = co_await read_until_head_end(up, conn.buffer, max_response_head_bytes, upstream_connection::read_room,
                                                   io_clock::now() + timeout, ec);
    if (ec) co_return ec;
    auto& response = chunk.new_response();
    const auto framing = read_response_head(chunk.heads.keep({static_cast<const char*>(conn.buffer.data().data()), size}),
                                            response, is_head);
    if (!framing) co_return http::error::bad_value;
    body = *framing;
    conn.buffer.consume(size);
    const auto status = response.result_int();
    if (status < 100 || status >= 200 || status == 101) co_return ec;
  }
  co_return http::error::bad_status;
}

// The response's leg: its head rewritten for the client, then its body or a WebSocket tunnel. A coroutine of
// its own, so that neither leg's frame (allocated per request) passes the 1 KiB that glibc's per-thread cache
// serves.
template <class Upstream>
awaitable<upstream_exchange> answer(client_stream& client, beast::flat_buffer& client_buffer, forward_request& r,
                                    const upstream_config& u, Upstream& up, upstream_connection& conn,
                                    relay_buffer& chunk, response_head& res, body_framing body, upstream_exchange x) {
  x.outcome.status = res.result_int();
  // Before the head is rewritten for the client.
  const bool upstream_keeps_alive = res.keep_alive() && body.kind != body_kind::until_close;
  const unsigned client_version = r.client_version;
  error_code ec;

  const bool websocket = res.result_int() == 101;
  if (websocket && !r.headers.websocket_upgrade) co_return stopped(stage::bad_gateway);
  rewrite_response_headers(res, u, r.headers.public_host, r.headers.public_scheme);
  x.outcome.dropped_set_cookies = drop_gateway_set_cookies(res);
  if (!r.strict_transport_security.empty() && res.find(http::field::strict_transport_security) == res.end())
    res.insert(http::field::strict_transport_security, r.strict_transport_security);
  if (u.no_store_logged_in && r.headers.identity != nullptr && res.find(http::field::cache_control) == res.end())
    res.insert(http::field::cache_control, "no-store");
  prepare_client_response(res, websocket);
  const bool client_keep_alive = r.client_keep_alive && !websocket;
  res.version(client_version);
  const bool has_body = body.kind != body_kind::none;
  if (body.kind == body_kind::until_close && !res.chunked()) {
    // Body until the upstream closes: chunk it for HTTP/1.1 clients so their connection survives.
    if (client_version >= 11) res.chunked(true);
  }
  if (client_version < 11 && res.chunked()) res.chunked(false);  // HTTP/1.0 clients: body until close
  const bool client_framed = res.has_content_length() || res.chunked() || !has_body;
  res.keep_alive(client_keep_alive && client_framed);

  const bool with_banner = !r.banner.empty() && has_body && banner_fits(res);
  if (with_banner && body.kind == body_kind::length) res.content_length(body.length + r.banner.size());
  x.outcome.client_reusable = res.keep_alive();
  chunk.out.clear();
  append_head(chunk.out, res);
  // A response with a body goes out with its first piece of body (body_writer); the head goes alone only
  // when nothing follows it.
  if (websocket || !has_body) {
    co_await write_all(client, asio::buffer(chunk.out), io_clock::now() + r.client_timeout, ec);
    if (ec) co_return stopped(stage::client_gone);
  }

  if (websocket) {
    const auto idle = std::chrono::seconds(r.client_timeout);
    co_await tunnel(client, client_buffer, up, conn.buffer, idle, r.session_watch);
    x.outcome.client_reusable = false;
    co_return x;
  }
  if (has_body) {
    body_writer writer(client, chunk.out, res.chunked(), r.client_timeout);
    const auto banner = with_banner ? r.banner : std::string_view();
    const body_origin<Upstream> from{up, conn.buffer, body, std::numeric_limits<std::uint64_t>::max(), u.response_timeout};
    const auto relayed = co_await relay_framed_body<false>(from, chunk, writer, banner);
    x.outcome.bytes_out = relayed.bytes;
    if (relayed.failed != relay_failure::none) {
      if (!writer.started())  // nothing reached the client: it can still get a 502/504
        co_return stopped(relayed.failed == relay_failure::source ? upstream_failure(relayed.ec) : stage::client_gone);
      x.outcome.client_reusable = false;  // the response is cut short: the client must see the close
      co_return x;
    }
  }
  x.upstream_reusable = upstream_keeps_alive;
  co_return x;
}

template <class Upstream>
awaitable<upstream_exchange> exchange(client_stream& client, beast::flat_buffer& client_buffer, forward_request& r,
                                      const upstream_config& u, Upstream& up, upstream_connection& conn,
                                      relay_buffer& chunk) {
  auto& req = r.head;
  const bool bodiless = r.body.kind == body_kind::none;
  const bool is_head = req.method() == http::verb::head;
  error_code ec;
  std::uint64_t bytes_in = 0;

  chunk.out.clear();
  append_head(chunk.out, req);
  const auto send_timeout = u.connect_timeout + r.client_timeout;
  if (bodiless) {
    co_await asio::post(client.get_executor(), use_awaitable);  // in a burst with the others: see below
    if (asio::const_buffer b = asio::buffer(chunk.out); !write_at_once(up, b, ec))  // tried before a coroutine: eager_io.hpp
      co_await wait_and_write_all(up, b, io_clock::now() + send_timeout, ec);
    if (ec) co_return stopped(conn.reused ? stage::retry : stage::bad_gateway);
  }
  const auto sent_at = io_clock::now();
  if (!bodiless) {
    client_buffer.reserve(upstream_connection::read_room);  // an upload reads in large pieces too
    body_writer writer(up, chunk.out, req.chunked(), u.response_timeout);
    const body_origin<client_stream> from{client, client_buffer, r.body, r.max_body_bytes, r.client_timeout,
                                          r.client_pace};
    const auto relayed = co_await relay_framed_body<true>(from, chunk, writer);
    bytes_in = relayed.bytes;
    if (relayed.failed == relay_failure::source) {
      auto x = stopped(client_body_failure(relayed.ec));
      x.outcome.bytes_in = bytes_in;  // how much of a cut-off upload came, for the access log
      co_return x;
    }
    if (relayed.failed == relay_failure::destination) co_return stopped(upstream_failure(relayed.ec));
  }

  body_framing response_body;
  ec = co_await read_response_head(up, conn, chunk, is_head, u.response_timeout, response_body);
  if (ec) {
    const bool nothing_came = conn.buffer.size() == 0;
    co_return stopped(conn.reused && bodiless && nothing_came && ec != beast::error::timeout ? stage::retry
                                                                                             : upstream_failure(ec));
  }
  // Let the other connections' ready work run before answering, so that responses leave in bursts as
  // nginx's do (one pass over its ready events): a client woken once takes several, and its next requests
  // come back together. The same for the requests to the upstream, above. Answering each at once measured
  // ~12 % fewer requests/s on the 2 KB page at 16 connections (bench/RESULTS.md).
  co_await asio::post(client.get_executor(), use_awaitable);
  upstream_exchange x;
  x.outcome.bytes_in = bytes_in;
  x.outcome.upstream_time = io_clock::now() - sent_at;
  co_return co_await answer(client, client_buffer, r, u, up, conn, chunk, *chunk.response, response_body, std::move(x));
}

}  // namespace

bool is_websocket_upgrade(const head_fields& f) {
  return contains_token(f[http::field::upgrade], "websocket") && contains_token(f[http::field::connection], "upgrade");
}

awaitable<forward_outcome> forward(client_stream& client, beast::flat_buffer& client_buffer, forward_request r,
                                   upstream_pool& pool, relay_buffer& chunk) {
  const auto& u = pool.state().settings.gateway.upstreams[r.upstream];
  auto& req = r.head;
  const unsigned version = req.version();
  // What the client asked for, before the request is rewritten for the upstream (HTTP/1.1, keep-alive).
  r.client_version = version;
  r.client_keep_alive = req.keep_alive();
  req.target(r.target);
  const bool expect_continue = wants_continue(req);
  req.erase(http::field::expect);
  if (!r.banner.empty()) req.erase(http::field::accept_encoding);  // the banner goes into uncompressed pages only
  if (!prepare_upstream_request(req, r.headers)) co_return co_await fail_with(client, 400, version, r.client_timeout);
  req.version(11);
  if (!r.headers.websocket_upgrade) req.keep_alive(true);

  connect_outcome connected{pool.take_idle(r.upstream)};
  if (!connected.connection) connected = co_await pool.acquire(r.upstream);
  for (int attempt = 0;; ++attempt) {
    if (!connected.connection)
      co_return co_await fail_with(client, failure_status(connected.failed), version, r.client_timeout);
    if (expect_continue && attempt == 0) {
      error_code ec;
      beast::get_lowest_layer(client).expires_after(r.client_timeout);
      static constexpr char continue_line[] = "HTTP/1.1 100 Continue\r\n\r\n";
      co_await asio::async_write(client, asio::buffer(continue_line, sizeof continue_line - 1), with_error(ec));
      if (ec) co_return forward_outcome{client_closed_request};
    }
    auto& conn = *connected.connection;
    auto x = co_await std::visit(
        [&](auto& up) { return exchange(client, client_buffer, r, u, up, conn, chunk); }, conn.stream);
    switch (x.result) {
      case stage::ok:
        if (x.upstream_reusable) pool.release(r.upstream, std::move(connected.connection));
        co_return x.outcome;
      case stage::retry:
        if (attempt == 0) {
          connected.connection.reset();  // closed first: its slot may be the one the new connection needs
          connected = co_await pool.acquire(r.upstream, true);
          continue;
        }
        co_return co_await fail_with(client, 502, version, r.client_timeout);
      case stage::bad_gateway: co_return co_await fail_with(client, 502, version, r.client_timeout);
      case stage::timeout: co_return co_await fail_with(client, 504, version, r.client_timeout);
      case stage::too_large: co_return co_await fail_with(client, 413, version, r.client_timeout);
      case stage::client_too_slow: co_return forward_outcome{408, false, x.outcome.bytes_in};  // closed already
      case stage::client_gone: co_return forward_outcome{client_closed_request, false, x.outcome.bytes_in};
    }
  }
}

}  // namespace sekisho::gateway
