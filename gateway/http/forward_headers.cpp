#include "gateway/http/forward_headers.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <span>
#include <string_view>
#include <utility>

#include <boost/beast/core/string.hpp>

#include "core/config/reserved_headers.hpp"
#include "gateway/http/header_names.hpp"

namespace sekisho::gateway {

namespace {

using boost::beast::iequals;

using reserved_headers::forwarding;
using reserved_headers::framing;
using reserved_headers::hop_by_hop;

// Identity headers that common apps trust, whatever the upstream's configuration says we send.
constexpr std::string_view common_identity[] = {"Remote-User",       "X-Remote-User",      "X-Forwarded-User",
                                                "X-Forwarded-Email", "X-Forwarded-Groups", "X-Auth-Request-User"};

// The lists one after the other, so that a request's fields are looked at once for all of them.
template <std::size_t... N>
constexpr auto joined(const std::string_view (&... lists)[N]) {
  std::array<std::string_view, (N + ...)> all{};
  auto out = all.begin();
  ((out = std::copy(lists, lists + N, out)), ...);
  return all;
}

constexpr auto stripped_from_requests = joined(hop_by_hop, forwarding, common_identity);

// A header name with Beast's id for it, found once: the fixed names' at start-up rather than for each request.
struct named_field {
  named_field() = default;
  explicit named_field(std::string_view n) : name(n), id(http::string_to_field(n)) {}
  std::string_view name;
  http::field id = http::field::unknown;
};
const named_field host_field{"Host"};
const named_field forwarded_for_field{"X-Forwarded-For"};
const named_field forwarded_proto_field{"X-Forwarded-Proto"};
const named_field forwarded_host_field{"X-Forwarded-Host"};

struct header {
  named_field field;
  std::string_view value;
  // Whether it replaces fields of its name. The X-Forwarded-* ones do not need to: every variant of their
  // names is removed first (stripped_from_requests), so they are appended without another search.
  bool replaces = true;
};

// The headers a request is given: the four forwarding ones and up to three identity ones, with the values
// made for it. In place, as the list is made for every request.
class headers_to_send {
 public:
  void add(named_field field, std::string_view value, bool replaces = true) {
    items_[size_++] = {field, value, replaces};
  }
  // A value made for this request, kept while the list is.
  std::string_view keep(std::string value) { return made_[made_size_++] = std::move(value); }
  const header* begin() const { return items_.data(); }
  const header* end() const { return items_.data() + size_; }

 private:
  std::array<header, 7> items_;
  std::size_t size_ = 0;
  std::array<std::string, 3> made_;  // X-Forwarded-For, the groups and the display name
  std::size_t made_size_ = 0;
};

// Removes the fields a Connection header names (RFC 9110 §7.6.1), then `fixed`: the hop-by-hop set, and for
// requests the other headers they may not bring. Naming Host removes it too; prepare_upstream_request sets it
// again afterwards.
void remove_hop_by_hop(head_fields& h, std::span<const std::string_view> fixed) {
  // Views into the Connection values, which stay where they are when fields are erased (head_fields). A
  // name in `fixed` ("keep-alive", "Upgrade") is left to that pass, so the usual head collects none.
  std::vector<std::string_view> named;
  for (const auto& f : h)
    if (f.name() == http::field::connection)
      for_each_list_item(f.value(), [&](std::string_view token) {
        if (!named_in(token, framing) && !named_in(token, fixed)) named.push_back(token);
      });
  if (!named.empty()) erase_all_variants(h, named);
  erase_all_variants(h, fixed);
}

// The one hop-by-hop pair passed on: the WebSocket handshake, which each hop repeats.
void keep_websocket_upgrade(head_fields& h) {
  h.set(http::field::upgrade, "websocket");
  h.set(http::field::connection, "upgrade");
}

// The client's X-Forwarded-For chain is kept only from a trusted proxy, and only in its real spelling. It is
// read before Connection is honoured, so a client behind that proxy cannot make the proxy's record of it
// vanish by naming X-Forwarded-For in Connection.
std::string forwarded_for(const head_fields& h, const forward_context& c) {
  std::string chain;
  if (c.peer_is_trusted_proxy)
    for (const auto& f : h)
      if (iequals(f.name_string(), forwarded_for_field.name))
        for_each_list_item(f.value(), [&chain](std::string_view hop) { chain.append(hop).append(", "); });
  return chain + c.client_address;
}

result<void> add_identity(headers_to_send& out, const upstream_config& u, const forward_identity& id) {
  // An upstream trims a value, so " admin" would arrive as "admin".
  if (id.user.empty() || trim_whitespace(id.user) != id.user) return make_error("the user name is empty or padded");
  out.add(named_field{u.identity_header}, id.user);
  if (!u.groups_header.empty() && !id.groups.empty()) {
    std::string joined;
    for (const auto& g : id.groups) {
      // A ',' would let one group read as two.
      if (g.empty() || trim_whitespace(g) != g || g.find(',') != std::string::npos)
        return make_error("a group name cannot be sent in a comma-separated list");
      joined.append(joined.empty() ? "" : ",").append(g);
    }
    out.add(named_field{u.groups_header}, out.keep(std::move(joined)));
  }
  if (!u.name_header.empty() && !id.display_name.empty())
    out.add(named_field{u.name_header}, out.keep(percent_encode_header_text(id.display_name)));
  return {};
}

}  // namespace

result<void> prepare_upstream_request(head_fields& h, const forward_context& c) {
  assert(c.upstream != nullptr);
  const upstream_config& u = *c.upstream;
  if (c.client_address.empty() || c.public_host.empty()) return make_error("no client address or Host to forward");

  // Everything we send is decided and checked before `h` changes, so a refusal leaves it as it was.
  headers_to_send out;
  out.add(forwarded_for_field, out.keep(forwarded_for(h, c)), false);
  out.add(forwarded_proto_field, c.public_scheme, false);
  out.add(forwarded_host_field, c.public_host, false);
  out.add(host_field, u.host_header.empty() ? c.public_host : u.host_header);
  if (c.identity != nullptr)
    if (auto added = add_identity(out, u, *c.identity); !added) return added;
  for (const auto& [field, value, replaces] : out)
    if (!safe_header_value(value)) return make_error(std::string(field.name) + " would contain a control character");

  remove_hop_by_hop(h, stripped_from_requests);
  for (auto n : framing) erase_misspelled_variants(h, n);
  strip_identity_headers(h, u);

  // Host (which the request keeps) and the identity headers (configured names, which could be any of these)
  // replace what is there.
  for (const auto& [field, value, replaces] : out) {
    if (replaces) h.erase(field.name);
    h.insert(field.id, field.name, value);
  }
  if (c.websocket_upgrade) keep_websocket_upgrade(h);
  return {};
}

void strip_identity_headers(head_fields& h, const upstream_config& u) {
  std::string_view names[3];
  std::size_t count = 0;
  for (const auto* n : {&u.identity_header, &u.groups_header, &u.name_header})
    if (!n->empty()) names[count++] = *n;
  erase_all_variants(h, {names, count});
}

void prepare_client_response(head_fields& h, bool websocket_upgrade) {
  remove_hop_by_hop(h, hop_by_hop);
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
