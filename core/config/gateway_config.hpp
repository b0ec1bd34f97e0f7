// The gateway's part of sekisho.toml: listeners, certificates, upstreams and access rules.
#pragma once
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "core/policy/network.hpp"
#include "core/policy/rules.hpp"

namespace sekisho {

struct certificate_config {
  std::vector<std::string> hosts;  // SNI names this pair serves; the first certificate is the default
  std::filesystem::path cert_file;
  std::filesystem::path key_file;
};

// An http:// or https:// address, taken apart.
struct http_url {
  bool tls = false;
  std::string host;  // name or IP (without [ ])
  std::string port;
  std::string path = "/";  // with its query
};

struct upstream_config {
  std::string name;
  std::vector<std::string> hosts;  // empty = any host
  std::string path_prefix = "/";
  std::string url;                 // http://host:port or https://host:port, no path
  // Parsed from url:
  bool tls = false;
  std::string address;             // host name or IP of the upstream
  std::string port;
  std::string host_header;         // "" = send the client's Host; otherwise this value (e.g. the internal name)
  bool verify_tls = true;          // off is explicit and logged
  std::filesystem::path ca_file;   // empty = system CAs
  std::string identity_header = "Remote-User";
  std::string groups_header;       // empty = not sent
  std::string name_header;         // empty = not sent
  bool allow_encoded_slash = false;
  // A Windows server (IIS): paths compare without regard to case, and Windows name aliases are refused
  // (core/policy/windows_path.hpp).
  bool windows_paths = false;
  bool rewrite_redirects = true;   // Location / Content-Location / Refresh with the internal address
  bool rewrite_cookies = true;     // Set-Cookie Domain with the internal host name
  // Cache-Control: no-store on a logged-in user's responses that carry no Cache-Control of their own, so a
  // legacy app's patient pages do not stay in a shared ward terminal's browser cache after logout.
  bool no_store_logged_in = false;
  std::chrono::seconds connect_timeout{5};
  std::chrono::seconds response_timeout{60};
  int max_idle_connections = 32;
  int max_connections = 0;         // open at once, all threads together; 0 = no limit
  std::size_t max_body_bytes = 0;  // 0 = gateway default
};

struct gateway_config {
  std::vector<std::string> listen{"0.0.0.0:443"};
  std::vector<std::string> redirect_listen;  // plain HTTP that only redirects to HTTPS; empty = none
  std::vector<std::string> pam_listen;       // TLS for remote servers' pam_sekisho.so; empty = none
  std::vector<certificate_config> certificates;
  int threads = 0;                           // 0 = one per core
  int max_connections = 10000;
  // From one client address (IPv6: one /64) at once; trusted_proxies excepted; 0 = no limit. A browser
  // opens up to six per host name: this leaves room for a terminal server or NAT with about 150 users.
  int max_connections_per_address = 1000;
  std::size_t max_header_bytes = 16 * 1024;  // larger → 431
  std::size_t max_body_bytes = 1ull << 40;   // per request unless the upstream says otherwise
  std::chrono::seconds header_timeout{10};
  std::chrono::seconds idle_timeout{75};
  std::uint64_t min_body_rate = 1024;        // bytes/s a request body must keep up (body_pace); 0: no floor
  std::chrono::seconds drain_timeout{30};
  std::chrono::seconds session_cache_ttl{5};
  std::vector<ip_network> trusted_proxies;   // X-Forwarded-* accepted only from these; empty = nobody
  // Strict-Transport-Security for the portal's pages and the apps' responses that carry none of their own,
  // from hsts_max_age ("0s": not sent). The browser then never tries plain HTTP to these hosts again.
  std::string strict_transport_security = "max-age=31536000";
  std::filesystem::path access_log = "access.log";  // relative to state_dir; "journal" = journald; "" = off
  bool access_log_query = true;
  std::size_t access_log_max_bytes = 100ull << 20;  // rotate beyond this
  int access_log_keep = 10;
  std::vector<upstream_config> upstreams;
  std::vector<access_rule> rules;
};

}  // namespace sekisho
