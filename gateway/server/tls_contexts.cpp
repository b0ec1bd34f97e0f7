#include "gateway/server/tls_contexts.hpp"

#include <openssl/ssl.h>

#include "core/policy/rules.hpp"

namespace sekisho::gateway {
namespace ssl = boost::asio::ssl;

// Mozilla "intermediate": ECDHE with AES-GCM or ChaCha20 for TLS 1.2; TLS 1.3 suites are all AEAD.
constexpr const char* tls12_ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

void harden_tls(ssl::context& ctx) {
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_compression |
                  ssl::context::single_dh_use);
  SSL_CTX* native = ctx.native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_cipher_list(native, tls12_ciphers);
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION);
  // An idle connection gives its record buffers (about 34 KiB) back, as nginx does: with a thousand idle
  // keep-alive connections that is most of the memory. (The clients' tls_stream does it itself, when it
  // starts waiting.)
  SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS);
}

namespace {

// ALPN: only HTTP/1.1 is spoken; a client offering only h2 gets no ALPN and falls back.
int select_http11(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                  unsigned int inlen, void*) {
  static const unsigned char http11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, outlen, http11, sizeof http11, in, inlen) != OPENSSL_NPN_NEGOTIATED)
    return SSL_TLSEXT_ERR_NOACK;
  *out = selected;
  return SSL_TLSEXT_ERR_OK;
}

int on_server_name(SSL* ssl_connection, int*, void* self) {
  static_cast<tls_contexts*>(self)->switch_for_server_name(ssl_connection);
  return SSL_TLSEXT_ERR_OK;
}

result<std::unique_ptr<ssl::context>> make_context(const certificate_config& c) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  harden_tls(*ctx);
  boost::system::error_code ec;
  ctx->use_certificate_chain_file(c.cert_file.string(), ec);
  if (ec) return make_error(c.cert_file.string() + ": cannot load the certificate chain: " + ec.message());
  ctx->use_private_key_file(c.key_file.string(), ssl::context::pem, ec);
  if (ec) return make_error(c.key_file.string() + ": cannot load the private key: " + ec.message());
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1)
    return make_error(c.key_file.string() + ": the key does not match " + c.cert_file.string());
  SSL_CTX_set_alpn_select_cb(ctx->native_handle(), select_http11, nullptr);
  return ctx;
}

}  // namespace

result<std::shared_ptr<tls_contexts>> tls_contexts::load(const std::vector<certificate_config>& certificates) {
  if (certificates.empty())
    return make_error("gateway.certificate: at least one [[gateway.certificate]] is needed for HTTPS");
  auto set = std::make_shared<tls_contexts>();
  for (const auto& c : certificates) {
    auto ctx = make_context(c);
    if (!ctx) return ctx.err();
    set->entries_.push_back(entry{c.hosts, std::move(*ctx)});
  }
  SSL_CTX* first = set->entries_.front().context->native_handle();
  // The SSL_CTX_set_tlsext_servername_* macros hide C casts; these are the calls they make.
  SSL_CTX_callback_ctrl(first, SSL_CTRL_SET_TLSEXT_SERVERNAME_CB, reinterpret_cast<void (*)()>(&on_server_name));
  SSL_CTX_ctrl(first, SSL_CTRL_SET_TLSEXT_SERVERNAME_ARG, 0, set.get());
  return set;
}

// Unknown or absent names keep the first (default) certificate.
void tls_contexts::switch_for_server_name(void* ssl_handle) {
  auto* ssl_conn = static_cast<SSL*>(ssl_handle);
  const char* name = SSL_get_servername(ssl_conn, TLSEXT_NAMETYPE_host_name);
  if (name == nullptr) return;
  std::string host(name);
  for (auto& ch : host)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  for (auto& e : entries_)
    for (const auto& pattern : e.hosts)
      if (host_matches(pattern, host)) {
        SSL_set_SSL_CTX(ssl_conn, e.context->native_handle());
        return;
      }
}

}  // namespace sekisho::gateway
