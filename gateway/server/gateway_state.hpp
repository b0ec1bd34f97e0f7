// Everything a worker needs to serve requests under one configuration: the parsed config, the listener's
// TLS contexts and a client TLS context per https:// upstream. Built once per (re)load and shared
// read-only; requests in flight keep the state they started with, so a reload never disturbs them.
#pragma once
#include <atomic>
#include <memory>
#include <vector>

#include <boost/asio/ssl/context.hpp>

#include "core/config/config.hpp"
#include "core/util/result.hpp"
#include "gateway/server/tls_contexts.hpp"

namespace sekisho::gateway {

struct gateway_state {
  config settings;
  std::shared_ptr<tls_contexts> tls;
  // Parallel to settings.gateway.upstreams; null for http:// upstreams.
  std::vector<std::unique_ptr<boost::asio::ssl::context>> upstream_tls;

  // Per upstream, all workers together: connections carrying a request, for upstream.max_connections.
  // A counter, so mutable in a state that is otherwise read-only.
  struct upstream_usage {
    std::atomic<int> active{0};
  };
  mutable std::unique_ptr<upstream_usage[]> usage;

  // Fails with one line when a certificate, key or CA file cannot be used. Warnings (verification
  // turned off) go to `warn`.
  static result<std::shared_ptr<const gateway_state>> build(config settings, void (*warn)(const std::string&));
};

}  // namespace sekisho::gateway
