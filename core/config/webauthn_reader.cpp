// [webauthn]: the relying party, its origins and the attestation policy, with the key at fault in every error.
#include "core/config/webauthn_reader.hpp"

#include <algorithm>
#include <map>

#include "core/util/encoding.hpp"

namespace sekisho::config_detail {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// "*.clinic.local" serves hosts below clinic.local; "*" names no host.
std::string domain_of_pattern(const std::string& pattern) {
  return pattern.rfind("*.", 0) == 0 ? pattern.substr(2) : pattern == "*" ? std::string() : pattern;
}

bool is_wildcard(const std::string& pattern) { return pattern.find('*') != std::string::npos; }

// The origin's host must be the RP ID or below it (WebAuthn §5.1.4: a registrable domain suffix).
bool within(std::string_view host, std::string_view rp_id) {
  return host == rp_id || (host.size() > rp_id.size() && host.ends_with(rp_id) &&
                           host[host.size() - rp_id.size() - 1] == '.');
}

// The ports of gateway.listen, in order, once each; port 0 (chosen at start) cannot be known here.
std::vector<std::string> listen_ports(const gateway_config& g) {
  std::vector<std::string> ports;
  for (const auto& l : g.listen) {
    const auto port = l.substr(l.rfind(':') + 1);
    if (port != "0" && std::find(ports.begin(), ports.end(), port) == ports.end()) ports.push_back(port);
  }
  return ports;
}

std::string default_rp_id(const gateway_config& g) {
  if (!g.certificates.empty() && !g.certificates.front().hosts.empty()) {
    auto host = domain_of_pattern(g.certificates.front().hosts.front());
    if (valid_rp_id(host)) return host;
  }
  return "localhost";
}

std::vector<std::string> default_origins(const gateway_config& g, const std::string& rp_id) {
  std::vector<std::string> hosts;
  for (const auto& c : g.certificates)
    for (const auto& h : c.hosts)
      if (!is_wildcard(h) && within(h, rp_id) && std::find(hosts.begin(), hosts.end(), h) == hosts.end())
        hosts.push_back(h);
  if (g.certificates.empty()) hosts.push_back(rp_id);
  std::vector<std::string> out;
  for (const auto& h : hosts)
    for (const auto& p : listen_ports(g)) out.push_back("https://" + h + (p == "443" ? "" : ":" + p));
  return out;
}

// "https://host" or "https://host:port", exactly as a browser serialises an origin (clientDataJSON's
// origin is compared byte for byte): lower case, no default port, no path, no trailing slash.
void check_origin(const table_reader& r, const std::string& origin, const std::string& rp_id) {
  auto bad = [&](const std::string& why) { r.fail("origins", "'" + origin + "' " + why); };
  if (origin.rfind("https://", 0) != 0) bad("must start with https:// (WebAuthn needs a secure origin)");
  const std::string rest = origin.substr(8);
  const auto colon = rest.find(':');
  const std::string host = rest.substr(0, colon);
  if (!valid_rp_id(host)) bad("is not https://HOST[:PORT] with a lower-case host name and nothing after it");
  if (colon != std::string::npos) {
    const std::string port = rest.substr(colon + 1);
    const bool digits = !port.empty() && port.size() <= 5 && std::all_of(port.begin(), port.end(), is_digit);
    if (!digits || port[0] == '0' || std::stoi(port) > 65535) bad("has a bad port");
    if (port == "443") bad("must leave out :443, as browsers do");
  }
  if (!within(host, rp_id)) bad("is not webauthn.rp_id ('" + rp_id + "') or a host below it");
}

// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" → 16 bytes.
std::optional<std::string> parse_uuid(const std::string& text) {
  if (text.size() != 36) return std::nullopt;
  std::string digits;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (text[i] == '-')) return std::nullopt;
    if (!dash) digits.push_back(text[i]);
  }
  return hex_decode(digits);
}

}  // namespace

const std::set<std::string>& webauthn_keys() {
  static const std::set<std::string> keys = {"rp_id",       "rp_name",       "origins", "user_verification",
                                             "attestation", "trusted_roots", "aaguids", "passkey_login"};
  return keys;
}

bool valid_rp_id(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  std::size_t start = 0;
  std::string_view last;
  while (start <= host.size()) {
    const auto dot = std::min(host.find('.', start), host.size());
    const auto label = host.substr(start, dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label)
      if (!((c >= 'a' && c <= 'z') || is_digit(c) || c == '-')) return false;
    last = label;
    start = dot + 1;
  }
  // A numeric last label is an IPv4 address (or not a name at all): RP IDs are domains (WA-G-01).
  return !std::all_of(last.begin(), last.end(), is_digit);
}

void read_webauthn_config(const table_reader& r, const fs::path& state_dir, const gateway_config& g,
                          webauthn_config& w) {
  w.rp_id = default_rp_id(g);
  r.string("rp_id", w.rp_id);
  if (!valid_rp_id(w.rp_id))
    r.fail("rp_id", "'" + w.rp_id + "' is not a lower-case domain name (an IP address cannot be an RP ID)");

  r.string("rp_name", w.rp_name);
  if (w.rp_name.empty() || w.rp_name.size() > 64 ||
      std::any_of(w.rp_name.begin(), w.rp_name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
    r.fail("rp_name", "must be 1-64 bytes without control characters");

  if (r.has("origins")) {
    r.string_list("origins", w.origins);
    if (w.origins.empty()) r.fail("origins", "must list at least one origin (leave it out for the default)");
    for (const auto& o : w.origins) check_origin(r, o, w.rp_id);
  } else {
    w.origins = default_origins(g, w.rp_id);
  }

  r.choice("user_verification", w.user_verification,
           std::map<std::string, webauthn_user_verification>{{"preferred", webauthn_user_verification::preferred},
                                                             {"required", webauthn_user_verification::required}});
  r.boolean("passkey_login", w.passkey_login);
  r.choice("attestation", w.attestation,
           std::map<std::string, webauthn_attestation>{{"none", webauthn_attestation::none},
                                                       {"required", webauthn_attestation::required}});
  const bool required = w.attestation == webauthn_attestation::required;

  std::vector<std::string> roots;
  r.string_list("trusted_roots", roots);
  for (const auto& p : roots) {
    if (p.empty()) r.fail("trusted_roots", "a path must not be empty");
    w.trusted_roots.push_back(fs::path(p).is_absolute() ? fs::path(p) : state_dir / p);
  }
  std::vector<std::string> aaguids;
  r.string_list("aaguids", aaguids);
  for (const auto& a : aaguids) {
    auto bytes = parse_uuid(a);
    if (!bytes) r.fail("aaguids", "'" + a + "' is not a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
    w.aaguids.push_back(std::move(*bytes));
  }
  // Roots and models only mean something when attestation is checked; an AAGUID list without a
  // verified chain is a claim anyone can make (pitfalls.md: Keycloak #9511, #48439).
  if (required && w.trusted_roots.empty())
    r.fail("trusted_roots", "attestation = \"required\" needs at least one root certificate file");
  if (!required && !w.trusted_roots.empty())
    r.fail("trusted_roots", "is only used with attestation = \"required\"");
  if (!required && !w.aaguids.empty()) r.fail("aaguids", "is only used with attestation = \"required\"");
}

}  // namespace sekisho::config_detail
