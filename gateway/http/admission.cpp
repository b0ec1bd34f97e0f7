#include "gateway/http/admission.hpp"

#include <algorithm>

#include "core/policy/routes.hpp"
#include "core/policy/windows_path.hpp"

namespace sekisho::gateway {
namespace {

int required_factors(access a) {
  switch (a) {
    case access::bypass: return 0;
    case access::one_factor: return 1;
    case access::two_factor: return 2;
    case access::deny: break;
  }
  return 3;  // nothing satisfies a deny
}

}  // namespace

bool is_portal_path(std::string_view path) { return path == "/.sekisho" || path.rfind("/.sekisho/", 0) == 0; }

result<std::string> host_from_header(std::string_view h) {
  if (h.empty() || h.size() > 255) return make_error("missing or overlong Host");
  std::string host;
  if (h.front() == '[') {
    const auto close = h.find(']');
    if (close == std::string_view::npos) return make_error("malformed Host");
    host = std::string(h.substr(0, close + 1));
    h.remove_prefix(close + 1);
    if (!h.empty() && h.front() != ':') return make_error("malformed Host");
  } else {
    const auto colon = h.find(':');
    host = std::string(h.substr(0, colon));
    h.remove_prefix(colon == std::string_view::npos ? h.size() : colon);
  }
  if (!h.empty()) {  // ":port"
    h.remove_prefix(1);
    const bool digits = std::all_of(h.begin(), h.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (h.empty() || h.size() > 5 || !digits || std::stoul(std::string(h)) > 65535)
      return make_error("malformed port in Host");
  }
  for (auto& c : host) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                    (host.front() == '[' && (c == ':' || c == '[' || c == ']'));
    if (!ok) return make_error("malformed Host");
  }
  if (host.empty() || host == "[]") return make_error("malformed Host");
  return host;
}

admission admit(const gateway_config& g, std::string_view host, std::string_view raw_target, std::string_view method,
                const ip_address& source, const session_identity* who, reason_text reason) {
  admission a;
  // Upstreams that accept encoded slashes can only be known after routing, and routing needs the path:
  // normalise strictly first, and only if that refuses, try again for an upstream that opted in.
  auto target = normalize_target(raw_target);
  if (!target) {
    auto lenient = normalize_target(raw_target, target_options{true});
    const int u = lenient ? select_upstream(g.upstreams, host, lenient->path) : -1;
    if (u < 0 || !g.upstreams[static_cast<std::size_t>(u)].allow_encoded_slash) {
      a.kind = admission_kind::bad_request;
      a.problem = target.message();
      return a;
    }
    target = std::move(lenient);
  }
  a.target = std::move(*target);
  if (is_portal_path(a.target.path)) {
    a.kind = admission_kind::portal;
    return a;
  }

  // The upstream is known before the rules judge the path: a Windows one compares paths as Windows does.
  a.upstream = select_upstream(g.upstreams, host, a.target.path);
  const bool windows = a.upstream >= 0 && g.upstreams[static_cast<std::size_t>(a.upstream)].windows_paths;
  if (const auto alias = windows ? windows_alias(a.target.path) : std::string_view{}; !alias.empty()) {
    a.kind = admission_kind::bad_request;
    a.problem = "Windows path alias: " + std::string(alias);
    return a;
  }
  const request_facts facts{host, a.target.path, method, source, who ? &who->groups : nullptr,
                            windows ? path_case::ignored : path_case::exact};
  a.decision = decide_access(g.rules, facts, reason);
  if (a.decision.action == access::deny) {
    a.kind = admission_kind::deny;
    return a;
  }
  const int needed = required_factors(a.decision.action);
  if (a.decision.login_to_decide || (who ? who->factors : 0) < needed) {
    a.kind = admission_kind::login;
    return a;
  }
  a.kind = a.upstream < 0 ? admission_kind::not_found : admission_kind::forward;
  a.send_identity = needed > 0;
  return a;
}

}  // namespace sekisho::gateway
