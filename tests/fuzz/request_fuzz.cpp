// Arbitrary bytes as a request head, taken through exactly the gateway's steps: the head reader (its fields in
// the gateway's own table, in a head arena), Host, the session cookie, the admission decision and the header
// rewrite for the upstream. Aborts when a request the gateway would forward carries a header value that could
// split the upstream's header block, or a path that is not in normal form, and when the reader accepts a head
// that Beast's parser refuses or reads differently.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>

#include "core/policy/windows_path.hpp"
#include "gateway/http/admission.hpp"
#include "gateway/http/forward_headers.hpp"
#include "gateway/http/head_reader.hpp"
#include "gateway/http/header_names.hpp"
#include "gateway/http/session_cookie.hpp"
#include "tests/fuzz/fields_by_name.hpp"

namespace {

using namespace sekisho;
using namespace sekisho::gateway;

gateway_config make_config() {
  gateway_config g;
  upstream_config u;
  u.name = "ehr";
  u.url = "http://10.0.0.7:8080";
  u.address = "10.0.0.7";
  u.port = "8080";
  u.groups_header = "Remote-Groups";
  u.name_header = "Remote-Name";
  g.upstreams.push_back(u);
  upstream_config lab = u;  // an IIS results server: Windows path rules (Host: lab.local)
  lab.name = "lab";
  lab.hosts = {"lab.local"};
  lab.windows_paths = true;
  g.upstreams.push_back(lab);
  access_rule open;
  open.path_prefixes = {"/public"};
  open.action = access::bypass;
  access_rule rest;
  rest.action = access::two_factor;
  g.rules = {open, rest};
  return g;
}

namespace http = boost::beast::http;
using sekisho::fuzz::check;

// The same head through Beast's parser into its basic_fields: the same fields, and the same framing.
void check_read_as_beast_reads(const std::string& head, const request_head& ours, body_framing body) {
  http::request_parser<http::empty_body> beast;
  beast.header_limit(16 * 1024);
  beast.body_limit(std::numeric_limits<std::uint64_t>::max());  // the gateway streams a body of any length
  boost::system::error_code ec;
  beast.put(boost::asio::buffer(head), ec);
  check(!ec && beast.is_header_done());
  const auto& b = beast.get();
  const auto value = [](std::string_view v) { return v; };
  check(sekisho::fuzz::by_name(ours, value) == sekisho::fuzz::by_name(b, value));
  check(ours.method_string() == b.method_string() && ours.target() == b.target() && ours.version() == b.version());
  check(ours.keep_alive() == b.keep_alive() && ours.chunked() == b.chunked());
  check((body.kind == body_kind::chunked) == beast.chunked());
  check((body.kind == body_kind::length) == (beast.content_length().value_or(0) != 0));
  check(body.kind != body_kind::length || body.length == *beast.content_length());
  check(body.kind != body_kind::until_close);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const gateway_config g = make_config();
  std::string head(reinterpret_cast<const char*>(data), size);
  const auto end = find_head_end(head);
  if (end == 0) head += "\r\n\r\n";
  else head.resize(end);

  static head_arena arena;  // as the gateway keeps heads: the arena's own buffers, then the heap for larger ones
  arena.reset();
  request_head req(arena);
  const auto kept = arena.keep(head);
  const auto body = read_request_head({kept.data(), kept.size()}, req);
  if (!body) return 0;
  check_read_as_beast_reads(head, req, *body);
  auto host = host_from_header(req[http::field::host]);
  if (!host) return 0;

  std::optional<session_identity> who;
  if (session_cookie(req)) who = session_identity{"nurse1", {"nurses", "ward 3"}, "看護師\r\nX: y", 2, ""};
  const auto a = admit(g, *host, req.target(), req.method_string(), ip_address{}, who ? &*who : nullptr);
  if (a.kind != admission_kind::forward) return 0;
  check(normalize_target(forward_target(a.target)).ok());
  check(*normalize_target(forward_target(a.target)) == a.target);
  const auto& upstream = g.upstreams[static_cast<std::size_t>(a.upstream)];
  check(!upstream.windows_paths || windows_alias(a.target.path).empty());

  strip_session_cookie(req);
  const forward_identity id{who ? who->user : "", who ? who->groups : std::vector<std::string>{},
                            who ? who->display_name : ""};
  forward_context c;
  c.client_address = "10.1.2.3";
  c.public_host = std::string(req[http::field::host]);
  c.upstream = &upstream;
  c.identity = a.send_identity && who ? &id : nullptr;
  if (!prepare_upstream_request(req, c)) return 0;
  for (const auto& f : req) check(safe_header_value(f.value()));
  for (const auto& f : req)
    if (same_header(f.name_string(), "Remote-User")) check(a.send_identity && f.value() == "nurse1");
  check(!session_cookie(req));
  return 0;
}
