// The listener's TLS: one context per configured certificate, chosen by SNI; TLS 1.2+ with forward-secret
// AEAD ciphers only. A reload builds a new set; connections keep the set they started with.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/ssl/context.hpp>

#include "core/config/gateway_config.hpp"
#include "core/util/result.hpp"

namespace sekisho::gateway {

class tls_contexts {
 public:
  // Fails with one line naming the file when a certificate or key cannot be loaded or do not match.
  static result<std::shared_ptr<tls_contexts>> load(const std::vector<certificate_config>& certificates);

  // The context new connections start with; SNI may switch a connection to another one.
  boost::asio::ssl::context& initial() { return *entries_.front().context; }

  // The SNI callback's work (OpenSSL's SSL*): switch to the certificate whose host names match.
  void switch_for_server_name(void* ssl_connection);

  tls_contexts() = default;
  tls_contexts(const tls_contexts&) = delete;
  tls_contexts& operator=(const tls_contexts&) = delete;

 private:
  struct entry {
    std::vector<std::string> hosts;
    std::unique_ptr<boost::asio::ssl::context> context;
  };

  std::vector<entry> entries_;
};

// Server-side settings shared by every listener context (exposed for the upstream client contexts' tests).
void harden_tls(boost::asio::ssl::context& ctx);

}  // namespace sekisho::gateway
