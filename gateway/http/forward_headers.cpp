#include "gateway/http/forward_headers.hpp"

#include <cassert>
#include <string_view>
#include <utility>

#include <boost/beast/core/string.hpp>

#include "gateway/http/header_names.hpp"

namespace sekisho::gateway {

namespace {

using boost::beast::iequals;

// RFC 9110 §7.6.1's hop-by-hop fields, the old Proxy-Connection, and the proxy-authentication pair, which
// belong to the hop between a client and its proxy: us.
constexpr std::string_view hop_by_hop[] = {"Connection", "Keep-Alive",          "Proxy-Connection",  "TE",
                                           "Trailer",    "Proxy-Authorization", "Proxy-Authenticate", "Upgrade"};

// The caller's framing owns these. A Connection header cannot remove them, and their look-alikes
// (`Content_Length`) are dropped so that an upstream that merges '_' into '-' cannot see two framings.
constexpr std::string_view framing[] = {"Content-Length", "Transfer-Encoding"};

// Where a client could claim another address, scheme or host. The gateway sets X-Forwarded-For/-Proto/-Host
// itself; the rest are not sent.
constexpr std::string_view forwarding[] = {"Forwarded", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host",
                                           "X-Forwarded-Port", "X-Real-IP", "X-Client-IP"};

// Identity headers that common apps trust, whatever the upstream's configuration says we send.
constexpr std::string_view common_identity[] = {"Remote-User",       "X-Remote-User",      "X-Forwarded-User",
                                                "X-Forwarded-Email", "X-Forwarded-Groups", "X-Auth-Request-User"};

struct header {
  std::string_view name;
  std::string value;
};

bool is_framing(std::string_view name) {
  for (auto f : framing)
    if (same_header(name, f)) return true;
  return false;
}

// Removes the fields a Connection header names (RFC 9110 §7.6.1), then the fixed hop-by-hop set. Naming Host
// removes it too; prepare_upstream_request sets it again afterwards.
void remove_hop_by_hop(http::fields& h) {
  std::vector<std::string> named;  // copies: erasing invalidates views into the Connection values
  for (const auto& f : h)
    if (iequals(f.name_string(), "Connection"))
      for (auto token : split_list(f.value()))
        if (!is_framing(token)) named.emplace_back(token);
  for (const auto& n : named) erase_all_variants(h, n);
  for (auto n : hop_by_hop) erase_all_variants(h, n);
}

// The one hop-by-hop pair passed on: the WebSocket handshake, which each hop repeats.
void keep_websocket_upgrade(http::fields& h) {
  h.set(http::field::upgrade, "websocket");
  h.set(http::field::connection, "upgrade");
}

// The client's X-Forwarded-For chain is kept only from a trusted proxy, and only in its real spelling. It is
// read before Connection is honoured, so a client behind that proxy cannot make the proxy's record of it
// vanish by naming X-Forwarded-For in Connection.
std::string forwarded_for(const http::fields& h, const forward_context& c) {
  std::string chain;
  if (c.peer_is_trusted_proxy)
    for (const auto& f : h)
      if (iequals(f.name_string(), "X-Forwarded-For"))
        for (auto hop : split_list(f.value())) chain.append(hop).append(", ");
  return chain + c.client_address;
}

result<void> add_identity(std::vector<header>& out, const upstream_config& u, const forward_identity& id) {
  // An upstream trims a value, so " admin" would arrive as "admin".
  if (id.user.empty() || trim_whitespace(id.user) != id.user) return make_error("the user name is empty or padded");
  out.push_back({u.identity_header, id.user});
  if (!u.groups_header.empty() && !id.groups.empty()) {
    std::string joined;
    for (const auto& g : id.groups) {
      // A ',' would let one group read as two.
      if (g.empty() || trim_whitespace(g) != g || g.find(',') != std::string::npos)
        return make_error("a group name cannot be sent in a comma-separated list");
      joined.append(joined.empty() ? "" : ",").append(g);
    }
    out.push_back({u.groups_header, std::move(joined)});
  }
  if (!u.name_header.empty() && !id.display_name.empty())
    out.push_back({u.name_header, percent_encode_header_text(id.display_name)});
  return {};
}

}  // namespace

result<void> prepare_upstream_request(http::fields& h, const forward_context& c) {
  assert(c.upstream != nullptr);
  const upstream_config& u = *c.upstream;
  if (c.client_address.empty() || c.public_host.empty()) return make_error("no client address or Host to forward");

  // Everything we send is decided and checked before `h` changes, so a refusal leaves it as it was.
  std::vector<header> out{{"X-Forwarded-For", forwarded_for(h, c)},
                          {"X-Forwarded-Proto", c.public_scheme},
                          {"X-Forwarded-Host", c.public_host},
                          {"Host", u.host_header.empty() ? c.public_host : u.host_header}};
  if (c.identity != nullptr)
    if (auto added = add_identity(out, u, *c.identity); !added) return added;
  for (const auto& [name, value] : out)
    if (!safe_header_value(value)) return make_error(std::string(name) + " would contain a control character");

  remove_hop_by_hop(h);
  for (auto n : framing) erase_misspelled_variants(h, n);
  for (auto n : forwarding) erase_all_variants(h, n);
  for (auto n : common_identity) erase_all_variants(h, n);
  strip_identity_headers(h, u);

  for (const auto& [name, value] : out) h.set(name, value);
  if (c.websocket_upgrade) keep_websocket_upgrade(h);
  return {};
}

void strip_identity_headers(http::fields& h, const upstream_config& u) {
  for (const auto* n : {&u.identity_header, &u.groups_header, &u.name_header})
    if (!n->empty()) erase_all_variants(h, *n);
}

void prepare_client_response(http::fields& h, bool websocket_upgrade) {
  remove_hop_by_hop(h);
  if (websocket_upgrade) keep_websocket_upgrade(h);
}

std::string percent_encode_header_text(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto b = static_cast<unsigned char>(c);
    if (b > 0x20 && b < 0x7f && c != '%' && c != '+') {
      out += c;
    } else {
      out += '%';
      out += hex[b >> 4];
      out += hex[b & 0x0f];
    }
  }
  return out;
}

}  // namespace sekisho::gateway
