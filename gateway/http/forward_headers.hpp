// What an upstream sees of a request, and what a client sees of the upstream's response headers: hop-by-hop
// fields removed, forwarding and identity headers only ever the gateway's own.
#pragma once
#include <string>
#include <vector>

#include "gateway/http/head_fields.hpp"

#include "core/config/gateway_config.hpp"
#include "core/util/result.hpp"

namespace sekisho::gateway {

namespace http = boost::beast::http;

struct forward_identity {
  std::string user;
  std::vector<std::string> groups;
  std::string display_name;  // any UTF-8; sent percent-encoded
};

struct forward_context {
  std::string client_address;           // TCP peer, already formatted (IPv4 dotted)
  bool peer_is_trusted_proxy = false;   // decided by the caller from gateway_config::trusted_proxies
  std::string public_host;              // Host the client used (with port if non-default)
  std::string public_scheme = "https";
  const upstream_config* upstream = nullptr;    // required
  const forward_identity* identity = nullptr;   // null for bypass routes: then no identity headers at all
  bool websocket_upgrade = false;       // send Upgrade: websocket + Connection: upgrade
};

// Rewrites a request's header fields for the upstream. Leaves Content-Length and Transfer-Encoding to the
// caller's framing. Fails, with `h` unchanged, when a value to be sent would contain a control character,
// when the user or a group name is empty or padded with spaces, when a group name contains ',', or when there
// is no client address or public Host; the caller then answers the client itself and forwards nothing.
result<void> prepare_upstream_request(head_fields& h, const forward_context& c);

// Removes every spelling of the identity, groups and display-name headers `u` is configured to receive.
void strip_identity_headers(head_fields& h, const upstream_config& u);

// Removes hop-by-hop fields from an upstream's response. For the 101 answer to a WebSocket upgrade, pass
// websocket_upgrade to send Upgrade: websocket + Connection: upgrade to the client.
void prepare_client_response(head_fields& h, bool websocket_upgrade = false);

// The display-name header's encoding, percent-encoded UTF-8 as in RFC 8187 but without its `UTF-8''` prefix:
// bytes outside visible ASCII (0x21–0x7E), and '%' and '+', become %XX (upper-case hex); the rest is kept, so
// "山田 太郎" is sent as "%E5%B1%B1%E7%94%B0%20%E5%A4%AA%E9%83%8E". Any percent-decoder (rawurldecode,
// urldecode, urllib.parse.unquote, decodeURIComponent) gives back the exact bytes.
std::string percent_encode_header_text(std::string_view text);

}  // namespace sekisho::gateway
