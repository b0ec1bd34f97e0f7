#include "gateway/server/client_connection.hpp"

#include <boost/beast/http/write.hpp>

#include "core/util/encoding.hpp"
#include "core/util/secret.hpp"

#include "gateway/portal/form.hpp"
#include "gateway/portal/metrics_page.hpp"
#include "gateway/portal/portal.hpp"
#include "gateway/http/admission.hpp"
#include "gateway/http/client_address.hpp"
#include "gateway/http/html_banner.hpp"
#include "gateway/proxy/forward.hpp"
#include "gateway/http/head_reader.hpp"
#include "gateway/http/error_pages.hpp"
#include "gateway/server/connection_slot.hpp"
#include "gateway/server/read_head.hpp"
#include "gateway/server/worker.hpp"
#include "gateway/http/session_cookie.hpp"

namespace sekisho::gateway {
namespace {

using clock = std::chrono::steady_clock;

// A finished request goes to the access log and the worker's counters alike.
void record(worker& w, const access_record& log) {
  w.metrics().record_request(log);
  if (w.shared().log) w.shared().log->write(log);
}

// A connection closed at once for a cap gets a line of its own (no method, no path), so that an operator can
// see which machine met the cap: 429 for too many from one address, 503 for too many in all.
void record_refusal(worker& w, const std::string& client, unsigned status) {
  access_record log;
  log.time = std::chrono::system_clock::now();
  log.client = client;
  log.status = status;
  record(w, log);
}

// Sends one of the gateway's own responses and records its status for the access log.
awaitable<bool> send(client_stream& client, text_response r, std::chrono::seconds timeout, access_record& log) {
  log.status = r.result_int();
  error_code ec;
  beast::get_lowest_layer(client).expires_after(timeout);
  co_await http::async_write(client, r, with_error(ec));
  co_return !ec && r.keep_alive();
}

// The pages and redirects are built in these rather than by serve_request: a response held across a co_await
// lives in the coroutine's frame, which is allocated for every request, and with one per place that answers,
// serve_request's frame took 4 KiB (1.7 KiB now, with the portal's part moved out too).
awaitable<bool> send_error(client_stream& client, unsigned status, unsigned version, bool keep_alive,
                           std::chrono::seconds timeout, access_record& log) {
  co_return co_await send(client, error_page(status, version, keep_alive), timeout, log);
}

awaitable<bool> send_redirect(client_stream& client, std::string location, unsigned status, unsigned version,
                              bool keep_alive, std::chrono::seconds timeout, access_record& log) {
  co_return co_await send(client, redirect_to(location, status, version, keep_alive), timeout, log);
}

// Where a portal form's body goes: memory that is wiped when it is let go (it may hold a password), never
// more than max_form_bytes of it.
struct form_sink {
  secret& body;

  awaitable<error_code> write(std::string_view piece) {
    body.append(piece);
    co_return body.size() > max_form_bytes ? http::error::body_limit : error_code{};
  }
  bool end() { return false; }
  awaitable<error_code> finish() { co_return error_code{}; }
};

// The pace every request body must keep, portal forms and uploads to the apps alike.
body_pace client_body_pace(const gateway_config& g) { return body_pace(g.min_body_rate, g.header_timeout); }

// The form body of a portal POST, read whole (it is small), or why not: 413 when it is larger than
// max_form_bytes, 408 when it came too slowly (the deadline closed the connection), 400 when the client
// stopped sending.
struct form_read {
  std::optional<secret> body;
  unsigned refused = 0;
};

awaitable<form_read> read_form_body(client_stream& client, beast::flat_buffer& buffer, body_framing framing,
                                    relay_buffer& chunk, std::chrono::seconds timeout, body_pace pace) {
  secret body;
  if (framing.kind == body_kind::none) co_return form_read{std::move(body)};
  if (framing.kind == body_kind::length && framing.length > max_form_bytes) co_return form_read{{}, 413};
  form_sink sink{body};
  const body_origin<client_stream> from{client, buffer, framing, max_form_bytes, timeout, pace};
  const auto read = co_await relay_framed_body<true>(from, chunk, sink);
  // The pieces passed through the relay buffer, which the next request reuses: no copy of a password stays.
  wipe_memory(chunk.piece.data(), std::min(chunk.piece.size(), max_form_bytes + 1));
  if (read.failed == relay_failure::none) co_return form_read{std::move(body)};
  if (read.ec == http::error::body_limit) co_return form_read{{}, 413};
  co_return form_read{{}, read.ec == beast::error::timeout ? 408u : 400u};
}

// A request for the gateway's own pages (login, enrolment, account, …), a form's body read here.
awaitable<bool> serve_portal_request(worker& w, const gateway_state& state, client_stream& client,
                                     beast::flat_buffer& buffer, relay_buffer& chunk, body_framing body,
                                     const request_target& target, const ip_address& source,
                                     const session_identity* who, bool keep, access_record& log) {
  const auto& settings = state.settings;
  const auto timeout = settings.gateway.idle_timeout;
  const auto& req = *chunk.request;
  const unsigned version = req.version();
  portal_request pr{target, req.method(), version, keep, req, req[http::field::host], to_string(source), {}};
  pr.break_glass_offered = settings.break_glass.enabled;
  pr.break_glass_minutes = static_cast<long>(settings.break_glass.session_lifetime.count() / 60);
  pr.passkey_login_offered = settings.webauthn.passkey_login;
  if (const auto& bg = settings.break_glass; !bg.webhook_url.empty()) pr.break_glass_webhook = &bg.webhook;
  pr.from_loopback = is_loopback_address(source);
  pr.who = who;
  pr.workers = &w.shared();
  if (portal_reads_body(req.method())) {
    auto form = co_await read_form_body(client, buffer, body, chunk, timeout, client_body_pace(settings.gateway));
    if (form.refused == 408) {  // nothing can be sent: logged
      log.status = 408;
      co_return false;
    }
    if (!form.body) co_return co_await send_error(client, form.refused, version, false, timeout, log);
    pr.body = std::move(*form.body);
    pr.keep_alive = req.keep_alive();
  }
  auto r = co_await serve_portal(std::move(pr), w.authd(), w.sessions());
  if (const auto& hsts = settings.gateway.strict_transport_security; !hsts.empty())
    r.set("Strict-Transport-Security", hsts);
  co_return co_await send(client, std::move(r), timeout, log);
}

// What a WebSocket tunnel was admitted as, judged again while it lasts (tunnel_watch).
struct tunnel_request {
  std::string host, target, method;
  ip_address source;
};

// Whether session `id` still stands, found as a request finds it (in the cache, or from authd when the
// cache's answer is too old), and whether the rules as they are now (a reload may have changed them) still
// let its user, with the groups the session has now, through to what the tunnel was opened for. For a
// WebSocket tunnel, which outlives its upgrade request (tunnel_watch).
tunnel_watch watch_session(worker& w, std::string id, tunnel_request r) {
  return {[&w, id = std::move(id), r = std::move(r)]() -> awaitable<bool> {
    std::shared_ptr<const session_identity> who;
    if (auto known = w.sessions().cached(id)) who = std::move(*known);
    else who = co_await w.sessions().lookup(id);
    if (!who) co_return false;
    const auto& g = w.pool()->state().settings.gateway;
    co_return admit(g, r.host, r.target, r.method, r.source, who.get()).kind == admission_kind::forward;
  }};
}

// One request whose head is at the start of the buffer. Returns whether the connection may continue.
awaitable<bool> serve_request(worker& w, client_stream& client, beast::flat_buffer& buffer, std::size_t head_size,
                              const ip_address& peer, const std::string& peer_text, access_record& log) {
  auto pool = w.pool();
  const auto& g = pool->state().settings.gateway;
  const std::string_view head(static_cast<const char*>(buffer.data().data()), head_size);
  const auto timeout = g.idle_timeout;
  // The method as sent, for the log even when the head is refused (a token of at most 16 characters).
  log.method = std::string(head.substr(0, std::min<std::size_t>(head.find_first_of(" \r\n"), 16)));

  auto chunk = w.buffers().take();
  auto& req = (*chunk).new_request();
  const auto kept = (*chunk).heads.keep(head);
  const auto body = read_request_head({kept.data(), kept.size()}, req);
  if (!body) co_return co_await send_error(client, 400, 11, false, timeout, log);
  buffer.consume(head_size);
  const unsigned version = req.version();
  auto host = host_from_header(req[http::field::host]);
  if (!host) co_return co_await send_error(client, 400, version, false, timeout, log);
  log.host = *host;

  // Behind a trusted proxy, the rules and the log see the client it speaks for.
  const auto source = client_address(req, peer, g.trusted_proxies);
  if (source != peer) log.client = to_string(source);

  std::shared_ptr<const session_identity> who;
  const auto id = session_cookie(req);
  if (id) {
    if (auto known = w.sessions().cached(*id)) who = std::move(*known);
    else who = co_await w.sessions().lookup(std::string(*id));
    if (who) {
      log.user = who->user;
      log.session = who->log_tag;
      log.break_glass = who->break_glass;
    }
  }
  const auto a = admit(g, *host, req.target(), req.method_string(), source, who.get());
  log.path = a.target.path;
  log.query = a.target.query;
  // The body of a request that is not forwarded is never read: the connection cannot continue after it.
  const bool keep = req.keep_alive() && body->kind == body_kind::none;
  switch (a.kind) {
    case admission_kind::bad_request: co_return co_await send_error(client, 400, version, false, timeout, log);
    case admission_kind::deny: co_return co_await send_error(client, 403, version, keep, timeout, log);
    case admission_kind::not_found: co_return co_await send_error(client, 404, version, keep, timeout, log);
    case admission_kind::portal:
      co_return co_await serve_portal_request(w, pool->state(), client, buffer, *chunk, *body, a.target, source, who.get(),
                                              keep, log);
    case admission_kind::login:
      co_return co_await send_redirect(client, "/.sekisho/login?rd=" + percent_encode(forward_target(a.target), "/"), 302,
                                       version, keep, timeout, log);
    case admission_kind::forward: break;
  }
  // A temporary password from an admin is changed before anything else opens (not in an emergency).
  if (who && who->must_change_password && !who->break_glass && a.send_identity)
    co_return co_await send_redirect(client, "/.sekisho/account?must_change=1", 303, version, keep, timeout, log);

  const auto& u = g.upstreams[static_cast<std::size_t>(a.upstream)];
  const auto configured = u.max_body_bytes != 0 ? u.max_body_bytes : g.max_body_bytes;
  const auto limit = configured != 0 ? configured : std::numeric_limits<std::uint64_t>::max();
  if (body->kind == body_kind::length && body->length > limit)
    co_return co_await send_error(client, 413, version, false, timeout, log);

  forward_identity identity;
  if (who) identity = forward_identity{who->user, who->groups, who->display_name};
  forward_request fr{req, *body, static_cast<std::size_t>(a.upstream), forward_target(a.target), {}, limit, timeout,
                     client_body_pace(g)};
  fr.headers.client_address = peer_text;  // X-Forwarded-For gets the hop the gateway heard from
  fr.headers.peer_is_trusted_proxy = is_trusted_proxy(g.trusted_proxies, peer);
  fr.headers.public_host = std::string(req[http::field::host]);
  fr.headers.upstream = &u;
  fr.headers.identity = a.send_identity && who ? &identity : nullptr;
  fr.headers.websocket_upgrade = is_websocket_upgrade(req);
  // Kept before the cookie goes: a WebSocket tunnel is watched for the end of its session.
  if (fr.headers.websocket_upgrade && who)
    fr.session_watch =
        watch_session(w, std::string(*id), {*host, fr.target, std::string(req.method_string()), source});
  fr.strict_transport_security = g.strict_transport_security;
  strip_session_cookie(req);  // the upstream never sees the gateway's session id
  // Any upstream's identity header could be trusted by an app reachable through another route.
  for (const auto& other : g.upstreams) strip_identity_headers(req, other);
  if (who && who->break_glass) fr.banner = break_glass_banner();
  log.upstream = u.name;
  const auto outcome = co_await forward(client, buffer, std::move(fr), *pool, *chunk);
  log.status = outcome.status;
  log.bytes_in = outcome.bytes_in;
  log.bytes_out = outcome.bytes_out;
  log.dropped_set_cookies = outcome.dropped_set_cookies;
  log.upstream_ms = std::chrono::duration<double, std::milli>(outcome.upstream_time).count();
  co_return outcome.client_reusable;
}

// close_notify, then a lingering close as nginx does: what the client is still sending (the rest of a
// refused upload, say) is read and dropped for a moment, because closing with unread data makes the kernel
// answer with a reset that can destroy the response still on its way to the client.
awaitable<void> close_gracefully(client_stream& client) {
  error_code ec;
  client.expires_after(std::chrono::seconds(2));
  co_await client.async_shutdown(with_error(ec));
  client.socket().shutdown(tcp_socket::shutdown_send, ec);
  char sink[4096];
  while (!ec) co_await client.async_read_some(asio::buffer(sink), with_error(ec));
  client.close();
}

}  // namespace

awaitable<void> serve_client(worker& w, tcp_socket socket) {
  const connection_slot slot(w.shared(), socket);
  const auto& peer = slot.peer();
  const auto peer_text = to_string(peer);
  const auto pool = w.pool();
  const auto& state = pool->state();
  const auto& g = state.settings.gateway;
  if (const auto refused = slot.refusal(g)) {  // over a cap: closed at once, before any TLS work
    record_refusal(w, peer_text, refused);
    co_return;
  }
  error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  client_stream client(std::move(socket), state.tls->initial());
  beast::get_lowest_layer(client).expires_after(g.header_timeout);
  co_await client.async_handshake(with_error(ec));
  if (ec) co_return;

  beast::flat_buffer buffer;
  for (bool first = true;; first = false) {
    head_read head;
    {
      idle_mark mark(w, beast::get_lowest_layer(client).socket());
      if (w.draining()) break;
      head = co_await read_head(client, buffer, g.max_header_bytes, first ? g.header_timeout : g.idle_timeout,
                                g.header_timeout);
    }
    if (head.status == head_status::closed) break;
    access_record log;
    log.time = std::chrono::system_clock::now();
    log.client = peer_text;
    if (head.status != head_status::ok) {
      // Too large: answered 431. Too slow: the deadline already closed the socket (as nginx does); logged 408.
      if (head.status == head_status::too_large)
        co_await send_error(client, 431, 11, false, g.header_timeout, log);
      else
        log.status = 408;
      record(w, log);
      break;
    }
    const auto started = clock::now();
    const bool again = co_await serve_request(w, client, buffer, head.size, peer, peer_text, log);
    log.total_ms = std::chrono::duration<double, std::milli>(clock::now() - started).count();
    record(w, log);
    if (!again || w.draining()) break;
    if (buffer.size() == 0) buffer.shrink_to_fit();  // idle connections hold no buffer: 1,000 of them fit in little RSS
  }
  co_await close_gracefully(client);
}

}  // namespace sekisho::gateway
