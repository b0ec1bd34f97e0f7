#include "gateway/server/redirect_listener.hpp"

#include <optional>
#include <string>
#include <vector>

#include <boost/beast/http/write.hpp>

#include "core/policy/rules.hpp"

#include "gateway/http/admission.hpp"
#include "gateway/http/head_reader.hpp"
#include "gateway/net/tcp_stream.hpp"
#include "gateway/http/error_pages.hpp"
#include "gateway/server/connection_slot.hpp"
#include "gateway/server/read_head.hpp"
#include "gateway/server/worker.hpp"

namespace sekisho::gateway {
namespace http = beast::http;
namespace {

// Where to send the browser: the host it asked for when a certificate names it, otherwise the first name a
// certificate has. A Host the gateway does not serve never reaches a Location, where a shared cache could
// keep it as a redirect to another site.
std::optional<std::string> https_host(const std::vector<certificate_config>& certificates, std::string host) {
  for (const auto& c : certificates)
    for (const auto& pattern : c.hosts)
      if (host_matches(pattern, host)) return host;
  for (const auto& c : certificates)
    for (const auto& name : c.hosts)
      if (name.find('*') == std::string::npos) return name;
  return std::nullopt;
}

text_response answer(beast::flat_buffer& buffer, std::size_t head_size, const gateway_config& g,
                     std::uint16_t https_port) {
  const std::string_view head(static_cast<const char*>(buffer.data().data()), head_size);
  head_arena arena;
  request_head req(arena);
  if (!read_request_head(head, req)) return error_page(400, 11, false);
  auto host = host_from_header(req[http::field::host]);
  auto target = normalize_target(req.target());
  if (!host || !target) return error_page(400, req.version(), false);
  const auto to = https_host(g.certificates, std::move(*host));
  if (!to) return error_page(400, req.version(), false);
  const std::string port = https_port == 443 ? "" : ":" + std::to_string(https_port);
  // 301 lets browsers remember it; 308 keeps the method and body of anything but GET and HEAD.
  const bool reading = req.method() == http::verb::get || req.method() == http::verb::head;
  const auto location = "https://" + *to + port + forward_target(*target);
  return redirect_to(location, reading ? 301 : 308, req.version(), false);
}

}  // namespace

awaitable<void> serve_redirect(worker& w, tcp_socket socket, std::uint16_t https_port) {
  const connection_slot slot(w.shared(), socket);  // a flood on port 80 meets the same caps as one on 443
  const auto pool = w.pool();
  const auto& g = pool->state().settings.gateway;
  if (slot.refusal(g)) co_return;
  tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  head_read head;
  {
    const idle_mark mark(w, stream.socket());
    if (w.draining()) co_return;
    head = co_await read_head(stream, buffer, g.max_header_bytes, g.header_timeout, g.header_timeout);
  }
  if (head.status == head_status::closed || head.status == head_status::timeout) co_return;
  auto r = head.status == head_status::ok ? answer(buffer, head.size, g, https_port)
                                          : error_page(431, 11, false);
  error_code ec;
  stream.expires_after(g.header_timeout);
  co_await http::async_write(stream, r, with_error(ec));
  stream.socket().shutdown(tcp_socket::shutdown_both, ec);
}

}  // namespace sekisho::gateway
