#include "gateway/http/response_rewrite.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

#include <boost/beast/core/string.hpp>

#include "gateway/http/header_names.hpp"

namespace sekisho::gateway {

namespace {

using boost::beast::iequals;

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string bracketed(const std::string& host) { return host.find(':') == std::string::npos ? host : "[" + host + "]"; }

// Host names, IPv4 and bracketed IPv6 only: no user info, no percent-encoding, nothing a browser would
// read differently from us.
bool authority_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~' || c == ':' || c == '[' || c == ']';
}

// "" for the scheme's default port (or none given), the port without leading zeros otherwise.
std::optional<std::string> normal_port(std::string_view port, unsigned default_port) {
  if (port.empty()) return "";
  unsigned n = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
  if (ec != std::errc() || end != port.data() + port.size() || n == 0 || n > 65535) return std::nullopt;
  return n == default_port ? "" : std::to_string(n);
}

struct parsed_origin {
  std::string origin;   // normalised, as in rewrite_origins
  std::string host;     // lower case, without brackets
  std::size_t end = 0;  // where the authority ends in the parsed text
};

// The http(s) origin at the front of `url`; its authority ends at '/', '?', '#' or the end.
std::optional<parsed_origin> parse_origin(std::string_view url) {
  const auto separator = url.find("://");
  if (separator == std::string_view::npos) return std::nullopt;
  const auto scheme = lower(url.substr(0, separator));
  const unsigned default_port = scheme == "http" ? 80 : scheme == "https" ? 443 : 0;
  if (default_port == 0) return std::nullopt;

  const auto start = separator + 3;
  const auto end = std::min(url.find_first_of("/?#", start), url.size());
  const auto authority = url.substr(start, end - start);
  if (authority.empty() || !std::all_of(authority.begin(), authority.end(), authority_char)) return std::nullopt;
  std::string_view host = authority, port;
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(1, close - 1);
    const auto after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') return std::nullopt;
    if (!after.empty()) port = after.substr(1);
  } else if (const auto colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty() || host.find_first_of("[]") != std::string_view::npos) return std::nullopt;
  const auto normal = normal_port(port, default_port);
  if (!normal) return std::nullopt;

  parsed_origin o;
  o.host = lower(host);
  o.origin = scheme + "://" + bracketed(o.host) + (normal->empty() ? "" : ":" + *normal);
  o.end = end;
  return o;
}

void add_unique(std::vector<std::string>& list, std::string item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(std::move(item));
}

// Adds `text` ("scheme://authority", nothing after) to the internal origins; returns its host.
std::optional<std::string> add_internal(rewrite_origins& o, const std::string& text) {
  auto p = parse_origin(text);
  if (!p || p->end != text.size()) return std::nullopt;
  add_unique(o.internal, std::move(p->origin));
  add_unique(o.internal_hosts, p->host);
  return p->host;
}

std::optional<std::string> rewrite_url(std::string_view url, const rewrite_origins& o) {
  if (o.public_origin.empty()) return std::nullopt;
  const auto p = parse_origin(url);
  if (!p || std::find(o.internal.begin(), o.internal.end(), p->origin) == o.internal.end()) return std::nullopt;
  return o.public_origin + std::string(url.substr(p->end));
}

std::size_t skip_whitespace(std::string_view s, std::size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return i;
}

// "5; url='http://10.0.0.5/x'", read as HTML's shared declarative refresh steps do: a delay, an optional
// ';' or ',', an optional case-insensitive `url =`, an optional quote that ends the URL where it recurs.
std::optional<std::string> rewrite_refresh(std::string_view v, const rewrite_origins& o) {
  auto i = skip_whitespace(v, 0);
  const auto delay = i;
  while (i < v.size() && ((v[i] >= '0' && v[i] <= '9') || v[i] == '.')) ++i;
  if (i == delay || (i < v.size() && std::string_view(" \t;,").find(v[i]) == std::string_view::npos))
    return std::nullopt;
  i = skip_whitespace(v, i);
  if (i < v.size() && (v[i] == ';' || v[i] == ',')) i = skip_whitespace(v, i + 1);
  auto start = i;
  if (iequals(v.substr(i, 3), "url")) {
    const auto eq = skip_whitespace(v, i + 3);
    if (eq < v.size() && v[eq] == '=') start = skip_whitespace(v, eq + 1);
  }
  auto end = v.size();
  if (start < v.size() && (v[start] == '"' || v[start] == '\'')) {
    end = std::min(v.find(v[start], start + 1), v.size());
    ++start;
  }
  const auto url = trim_whitespace(v.substr(start, end - start));
  auto rewritten = rewrite_url(url, o);
  if (!rewritten) return std::nullopt;
  const auto at = static_cast<std::size_t>(url.data() - v.data());
  return std::string(v.substr(0, at)) + *rewritten + std::string(v.substr(at + url.size()));
}

bool names_internal_domain(std::string_view attribute, const rewrite_origins& o) {
  const auto eq = attribute.find('=');
  if (eq == std::string_view::npos || !iequals(trim_whitespace(attribute.substr(0, eq)), "domain")) return false;
  auto domain = trim_whitespace(attribute.substr(eq + 1));
  if (!domain.empty() && domain.front() == '.') domain.remove_prefix(1);
  return std::any_of(o.internal_hosts.begin(), o.internal_hosts.end(),
                     [domain](const std::string& h) { return iequals(domain, h); });
}

// Drops each "; Domain=<internal host>" (with its ';') and adds "; Secure" when missing: the browser reaches
// the app only over the gateway's HTTPS, so its cookies must never go out over plain HTTP (nginx users set
// proxy_cookie_flags for this). Every other byte stays.
std::optional<std::string> rewrite_set_cookie(std::string_view v, const rewrite_origins& o) {
  auto semicolon = v.find(';');
  std::string out(v.substr(0, semicolon));
  bool changed = false, secure = false;
  while (semicolon != std::string_view::npos) {
    const auto next = v.find(';', semicolon + 1);
    const auto attribute = v.substr(semicolon, next - semicolon);
    secure = secure || iequals(trim_whitespace(attribute.substr(1)), "secure");
    if (names_internal_domain(attribute.substr(1), o))
      changed = true;
    else
      out.append(attribute);
    semicolon = next;
  }
  if (!secure) {
    out += "; Secure";
    changed = true;
  }
  if (!changed) return std::nullopt;
  return out;
}

// Replaces the values of every `name` field that `rewrite` changes, keeping all of them in their order.
template <class Rewrite>
void rewrite_values(head_fields& h, std::string_view name, const rewrite_origins& o, Rewrite rewrite) {
  std::vector<std::string> values;
  bool changed = false;
  // Every field is visited: Beast 1.74's equal_range spans the list from the first to the last match,
  // so fields of other names between two Set-Cookie lines would be taken for cookies.
  for (const auto& field : h) {
    if (!boost::beast::iequals(field.name_string(), name)) continue;
    auto r = rewrite(field.value(), o);
    if (r) changed = true;
    values.push_back(r ? std::move(*r) : std::string(field.value()));
  }
  if (!changed) return;
  h.erase(name);
  for (const auto& value : values) h.insert(name, value);
}

}  // namespace

rewrite_origins make_rewrite_origins(const upstream_config& u, std::string_view public_host,
                                     std::string_view public_scheme) {
  rewrite_origins o;
  const std::string scheme = u.tls ? "https://" : "http://";
  add_internal(o, scheme + bracketed(u.address) + ":" + u.port);
  if (!u.host_header.empty())
    if (const auto host = add_internal(o, scheme + u.host_header))
      add_internal(o, scheme + bracketed(*host) + ":" + u.port);
  const auto public_text = std::string(public_scheme) + "://" + std::string(public_host);
  if (const auto p = parse_origin(public_text); p && p->end == public_text.size()) o.public_origin = p->origin;
  return o;
}

void rewrite_response_headers(head_fields& h, const upstream_config& u, std::string_view public_host,
                              std::string_view public_scheme) {
  const auto present = [&](const char* name) { return h.find(name) != h.end(); };
  const bool redirects = u.rewrite_redirects && (present("Location") || present("Content-Location") || present("Refresh"));
  const bool cookies = u.rewrite_cookies && present("Set-Cookie");
  if (!redirects && !cookies) return;  // most responses: nothing to build, nothing to rewrite
  const auto o = make_rewrite_origins(u, public_host, public_scheme);
  if (redirects) {
    for (auto name : {"Location", "Content-Location"}) rewrite_values(h, name, o, rewrite_url);
    rewrite_values(h, "Refresh", o, rewrite_refresh);
  }
  if (cookies) rewrite_values(h, "Set-Cookie", o, rewrite_set_cookie);
}

}  // namespace sekisho::gateway
