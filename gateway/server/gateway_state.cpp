#include "gateway/server/gateway_state.hpp"

#include <openssl/ssl.h>

namespace sekisho::gateway {
namespace ssl = boost::asio::ssl;
namespace {

result<std::unique_ptr<ssl::context>> upstream_context(const upstream_config& u, void (*warn)(const std::string&)) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
  harden_tls(*ctx);
  boost::system::error_code ec;
  if (!u.verify_tls) {
    warn("upstream " + u.name + ": TLS certificate verification is OFF (upstream.verify_tls = false); "
         "anyone on the network path can impersonate " + u.url);
    ctx->set_verify_mode(ssl::verify_none);
    return ctx;
  }
  ctx->set_verify_mode(ssl::verify_peer);
  if (u.ca_file.empty())
    ctx->set_default_verify_paths(ec);
  else
    ctx->load_verify_file(u.ca_file.string(), ec);
  if (ec) return make_error("upstream " + u.name + ": cannot load CA certificates: " + ec.message());
  return ctx;
}

}  // namespace

result<std::shared_ptr<const gateway_state>> gateway_state::build(config settings, void (*warn)(const std::string&)) {
  auto state = std::make_shared<gateway_state>();
  auto tls = tls_contexts::load(settings.gateway.certificates);
  if (!tls) return tls.err();
  state->tls = *tls;
  for (const auto& u : settings.gateway.upstreams) {
    if (!u.tls) {
      state->upstream_tls.push_back(nullptr);
      continue;
    }
    auto ctx = upstream_context(u, warn);
    if (!ctx) return ctx.err();
    state->upstream_tls.push_back(std::move(*ctx));
  }
  state->usage = std::make_unique<upstream_usage[]>(settings.gateway.upstreams.size());
  state->settings = std::move(settings);
  return std::shared_ptr<const gateway_state>(std::move(state));
}

}  // namespace sekisho::gateway
