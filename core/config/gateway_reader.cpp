// [gateway], [[gateway.certificate]], [[upstream]] and [[rule]]: strict, with the key at fault in every error.
#include "core/config/gateway_reader.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "core/config/reserved_headers.hpp"
#include "core/config/table_reader.hpp"

namespace sekisho::config_detail {
namespace {

using std::chrono::seconds;

const std::set<std::string> gateway_keys = {
    "listen", "redirect_listen", "pam_listen", "threads", "max_connections", "max_connections_per_address",
    "max_header_bytes", "max_body_bytes", "header_timeout", "idle_timeout", "min_body_rate", "drain_timeout",
    "session_cache_ttl", "trusted_proxies", "access_log", "access_log_query", "access_log_max_bytes",
    "access_log_keep", "certificate", "hsts_max_age"};
const std::set<std::string> certificate_keys = {"hosts", "cert_file", "key_file"};
const std::set<std::string> upstream_keys = {
    "name", "hosts", "path_prefix", "url", "host_header", "verify_tls", "ca_file", "identity_header",
    "groups_header", "name_header", "allow_encoded_slash", "windows_paths", "rewrite_redirects",
    "rewrite_cookies", "no_store_logged_in", "connect_timeout", "response_timeout", "max_idle_connections",
    "max_connections", "max_body_bytes"};
const std::set<std::string> rule_keys = {"name", "hosts", "paths", "methods", "sources", "groups", "action"};

fs::path inside(const fs::path& base, const fs::path& p) { return p.is_absolute() ? p : base / p; }

bool valid_port(const std::string& p, int lowest = 1) {
  if (p.empty() || p.size() > 5 || !std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  const int n = std::stoi(p);
  return n >= lowest && n <= 65535;
}

// "ADDR:PORT" or "[V6]:PORT"; port 0 lets the system choose (tests), and the gateway prints the port.
void check_listen_list(const table_reader& r, const std::string& key, const std::vector<std::string>& list) {
  for (const auto& item : list) {
    const auto colon = item.rfind(':');
    if (colon == std::string::npos || colon == 0 || !valid_port(item.substr(colon + 1), 0))
      r.fail(key, "'" + item + "' is not ADDRESS:PORT");
    if (item.front() == '[' && item[colon - 1] != ']') r.fail(key, "'" + item + "' is not [IPv6]:PORT");
  }
}

std::vector<ip_network> networks(const table_reader& r, const std::string& key) {
  std::vector<std::string> texts;
  r.string_list(key, texts);
  std::vector<ip_network> out;
  for (const auto& t : texts) {
    auto n = parse_ip_network(t);
    if (!n) r.fail(key, "'" + t + "': " + n.message());
    out.push_back(*n);
  }
  return out;
}

std::string lower(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

void host_patterns(const table_reader& r, const std::string& key, std::vector<std::string>& out) {
  r.string_list(key, out);
  for (auto& h : out) {
    h = lower(h);
    const bool ok = !h.empty() && h.find_first_of(":/ \t") == std::string::npos &&
                    (h.find('*') == std::string::npos || h == "*" || (h.rfind("*.", 0) == 0 && h.size() > 2 &&
                                                                      h.find('*', 1) == std::string::npos));
    if (!ok) r.fail(key, "'" + h + "' is not a host name, '*.domain' or '*'");
  }
}

void header_name(const table_reader& r, const std::string& key, std::string& out, bool may_be_empty) {
  r.string(key, out);
  const bool token = std::all_of(out.begin(), out.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
  if (!token || (out.empty() && !may_be_empty)) r.fail(key, "'" + out + "' is not a header name");
  if (reserved_headers::is_reserved(out))
    r.fail(key, "'" + out + "' is a header HTTP or the gateway gives its own meaning to; choose another name");
}

// Two of them under one name would run the user's name and groups together.
void distinct_identity_headers(const table_reader& r, const upstream_config& u) {
  if (!u.groups_header.empty() && same_header(u.groups_header, u.identity_header))
    r.fail("groups_header", "is the same header as identity_header");
  if (!u.name_header.empty() &&
      (same_header(u.name_header, u.identity_header) || same_header(u.name_header, u.groups_header)))
    r.fail("name_header", "is the same header as identity_header or groups_header");
}

// http://host[:port] or https://host[:port]; the path is the request's own, so none may be given.
void read_upstream_url(const table_reader& r, upstream_config& u) {
  http_url parsed;
  read_http_url(r, "url", u.url, parsed, false);
  u.tls = parsed.tls;
  u.address = parsed.host;
  u.port = parsed.port;
}

upstream_config read_upstream(const table_reader& r, const seconds& default_connect) {
  r.only_keys(upstream_keys);
  upstream_config u;
  u.connect_timeout = default_connect;
  r.string("name", u.name);
  host_patterns(r, "hosts", u.hosts);
  r.string("path_prefix", u.path_prefix);
  if (u.path_prefix.empty() || u.path_prefix.front() != '/') r.fail("path_prefix", "must start with '/'");
  read_upstream_url(r, u);
  r.string("host_header", u.host_header);
  if (u.host_header.find_first_of("\r\n\0 /", 0, 5) != std::string::npos) r.fail("host_header", "not a host");
  r.boolean("verify_tls", u.verify_tls);
  r.path("ca_file", u.ca_file);
  header_name(r, "identity_header", u.identity_header, false);
  header_name(r, "groups_header", u.groups_header, true);
  header_name(r, "name_header", u.name_header, true);
  distinct_identity_headers(r, u);
  r.boolean("allow_encoded_slash", u.allow_encoded_slash);
  r.boolean("windows_paths", u.windows_paths);
  r.boolean("rewrite_redirects", u.rewrite_redirects);
  r.boolean("rewrite_cookies", u.rewrite_cookies);
  r.boolean("no_store_logged_in", u.no_store_logged_in);
  r.duration("connect_timeout", u.connect_timeout, seconds(1), seconds(300));
  r.duration("response_timeout", u.response_timeout, seconds(1), seconds(86400));
  r.integer("max_idle_connections", u.max_idle_connections, 0, 10000);
  r.integer("max_connections", u.max_connections, 0, 100000);
  r.integer("max_body_bytes", u.max_body_bytes, 0, 1ll << 50);
  return u;
}

access_rule read_rule(const table_reader& r, std::size_t index) {
  r.only_keys(rule_keys);
  access_rule rule;
  r.string("name", rule.name);
  if (rule.name.empty()) rule.name = "rule " + std::to_string(index + 1);
  host_patterns(r, "hosts", rule.hosts);
  r.string_list("paths", rule.path_prefixes);
  for (const auto& p : rule.path_prefixes)
    if (p.empty() || p.front() != '/') r.fail("paths", "'" + p + "' must start with '/'");
  r.string_list("methods", rule.methods);
  for (const auto& m : rule.methods)
    if (m.empty() || !std::all_of(m.begin(), m.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
      r.fail("methods", "'" + m + "' is not an upper-case HTTP method");
  rule.sources = networks(r, "sources");
  r.string_list("groups", rule.groups);
  if (!r.has("action")) r.fail("action", "is required (deny, bypass, one_factor or two_factor)");
  std::string action;
  r.string("action", action);
  auto a = parse_access(action);
  if (!a) r.fail("action", a.message());
  rule.action = *a;
  return rule;
}

}  // namespace

void read_http_url(const table_reader& r, const std::string& key, std::string& text, http_url& out, bool with_path) {
  r.string(key, text);
  if (text.empty()) r.fail(key, "is required");
  std::string rest;
  if (text.rfind("http://", 0) == 0) {
    rest = text.substr(7);
  } else if (text.rfind("https://", 0) == 0) {
    out.tls = true;
    rest = text.substr(8);
  } else {
    r.fail(key, "must start with http:// or https://");
  }
  const auto slash = with_path ? rest.find('/') : std::string::npos;
  if (slash != std::string::npos) {
    out.path = rest.substr(slash);
    rest.resize(slash);
    if (out.path.find_first_of(" \t\r\n#") != std::string::npos) r.fail(key, "bad path");
  }
  if (!with_path && !rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.empty() || rest.find_first_of("/?#@ \t") != std::string::npos)
    r.fail(key, with_path ? "must be scheme://host[:port][/path] with no user" : "must be scheme://host[:port] with no path, query or user");
  out.host = rest;
  out.port = out.tls ? "443" : "80";
  const auto bracket = rest.find(']');
  const auto colon = rest.rfind(':');
  if (rest.front() == '[') {
    if (bracket == std::string::npos) r.fail(key, "unclosed '[' in the host");
    out.host = rest.substr(1, bracket - 1);
    if (bracket + 1 < rest.size()) {
      if (rest[bracket + 1] != ':') r.fail(key, "expected ':' after ']'");
      out.port = rest.substr(bracket + 2);
    }
  } else if (colon != std::string::npos) {
    out.host = rest.substr(0, colon);
    out.port = rest.substr(colon + 1);
  }
  if (out.host.empty() || !valid_port(out.port)) r.fail(key, "bad host or port");
}

const std::vector<std::string>& gateway_top_level_names() {
  static const std::vector<std::string> names = {"gateway", "upstream", "rule"};
  return names;
}

void read_gateway_config(const toml::value& root, const fs::path& state_dir, gateway_config& g) {
  table_reader top(&root, "");
  auto r = top.table("gateway");
  r.only_keys(gateway_keys);
  r.string_list("listen", g.listen);
  check_listen_list(r, "listen", g.listen);
  r.string_list("redirect_listen", g.redirect_listen);
  check_listen_list(r, "redirect_listen", g.redirect_listen);
  r.string_list("pam_listen", g.pam_listen);
  check_listen_list(r, "pam_listen", g.pam_listen);
  r.integer("threads", g.threads, 0, 256);
  r.integer("max_connections", g.max_connections, 1, 1000000);
  r.integer("max_connections_per_address", g.max_connections_per_address, 0, 1000000);
  r.integer("max_header_bytes", g.max_header_bytes, 1024, 1024 * 1024);
  r.integer("max_body_bytes", g.max_body_bytes, 0, 1ll << 50);
  r.duration("header_timeout", g.header_timeout, seconds(1), seconds(300));
  r.duration("idle_timeout", g.idle_timeout, seconds(1), seconds(3600));
  r.integer("min_body_rate", g.min_body_rate, 0, 1ll << 30);
  r.duration("drain_timeout", g.drain_timeout, seconds(0), seconds(3600));
  r.duration("session_cache_ttl", g.session_cache_ttl, seconds(0), seconds(5));  // revocation within 5 s
  g.trusted_proxies = networks(r, "trusted_proxies");
  seconds hsts(365 * 86400);
  r.duration("hsts_max_age", hsts, seconds(0), seconds(2 * 365 * 86400));
  g.strict_transport_security = hsts.count() == 0 ? "" : "max-age=" + std::to_string(hsts.count());
  std::string log = g.access_log.string();
  r.string("access_log", log);
  g.access_log = (log.empty() || log == "journal") ? fs::path(log) : inside(state_dir, log);
  r.boolean("access_log_query", g.access_log_query);
  r.integer("access_log_max_bytes", g.access_log_max_bytes, 1024 * 1024, 1ll << 40);
  r.integer("access_log_keep", g.access_log_keep, 1, 1000);
  for (const auto& c : r.tables("certificate")) {
    c.only_keys(certificate_keys);
    certificate_config cert;
    host_patterns(c, "hosts", cert.hosts);
    c.path("cert_file", cert.cert_file);
    c.path("key_file", cert.key_file);
    if (cert.cert_file.empty() || cert.key_file.empty()) c.fail("cert_file", "cert_file and key_file are required");
    cert.cert_file = inside(state_dir, cert.cert_file);
    cert.key_file = inside(state_dir, cert.key_file);
    g.certificates.push_back(std::move(cert));
  }
  for (const auto& u : top.tables("upstream")) g.upstreams.push_back(read_upstream(u, seconds(5)));
  std::set<std::string> names;
  for (std::size_t i = 0; i < g.upstreams.size(); ++i) {
    auto& u = g.upstreams[i];
    if (u.name.empty()) u.name = "upstream " + std::to_string(i + 1);
    if (!names.insert(u.name).second) throw bad_key{"upstream[" + std::to_string(i + 1) + "].name: duplicate"};
    if (!u.ca_file.empty()) u.ca_file = inside(state_dir, u.ca_file);
  }
  const auto rules = top.tables("rule");
  for (std::size_t i = 0; i < rules.size(); ++i) g.rules.push_back(read_rule(rules[i], i));
}

std::vector<std::string> gateway_config_keys() {
  std::vector<std::string> out;
  for (const auto& k : gateway_keys)
    if (k != "certificate") out.push_back("gateway." + k);
  for (const auto& k : certificate_keys) out.push_back("gateway.certificate." + k);
  for (const auto& k : upstream_keys) out.push_back("upstream." + k);
  for (const auto& k : rule_keys) out.push_back("rule." + k);
  return out;
}

}  // namespace sekisho::config_detail
