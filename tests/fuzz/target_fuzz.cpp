// Arbitrary bytes as a request target, judged as the gateway judges it: normalise once, then decide access and
// pick an upstream with that path. Aborts when an accepted path is not canonical or does not survive a
// second normalisation unchanged (the policy and the upstream would then see different paths).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/policy/routes.hpp"
#include "core/policy/rules.hpp"
#include "core/policy/target.hpp"

namespace {

using namespace sekisho;

std::vector<access_rule> make_rules() {
  std::vector<access_rule> rules(4);
  rules[0].name = "admins";
  rules[0].path_prefixes = {"/admin"};
  rules[0].groups = {"admins"};
  rules[0].action = access::two_factor;
  rules[1].name = "no-admin";
  rules[1].path_prefixes = {"/admin", "/api/admin/"};
  rules[1].action = access::deny;
  rules[2].name = "public";
  rules[2].hosts = {"*.clinic.local"};
  rules[2].path_prefixes = {"/public", "/static/"};
  rules[2].methods = {"GET"};
  rules[2].action = access::bypass;
  rules[3].name = "rest";
  rules[3].path_prefixes = {"/"};
  rules[3].action = access::one_factor;
  return rules;
}

std::vector<upstream_config> make_upstreams() {
  std::vector<upstream_config> ups(3);
  ups[0].path_prefix = "/";
  ups[1].path_prefix = "/pacs";
  ups[1].hosts = {"*.clinic.local"};
  ups[2].path_prefix = "/pacs/viewer/";
  return ups;
}

void check(bool ok) {
  if (!ok) std::abort();
}

void check_canonical(const request_target& t, const target_options& options) {
  const std::string& p = t.path;
  check(!p.empty() && p.front() == '/');
  check(p.find("//") == std::string::npos && p.find("/./") == std::string::npos &&
        p.find("/../") == std::string::npos && !p.ends_with("/.") && !p.ends_with("/.."));
  check(p.find_first_of(" ?#\\") == std::string::npos);
  // An upstream that decodes %2F and %5C into separators must not find dot segments either.
  std::string decoded = p;
  for (const char* sep : {"%2F", "%5C"})
    for (auto i = decoded.find(sep); i != std::string::npos; i = decoded.find(sep, i)) decoded.replace(i, 3, "/");
  check(decoded.find("/./") == std::string::npos && decoded.find("/../") == std::string::npos &&
        !decoded.ends_with("/.") && !decoded.ends_with("/.."));
  auto again = normalize_target(forward_target(t), options);
  check(again.ok() && *again == t);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto rules = make_rules();
  static const auto upstreams = make_upstreams();
  if (size == 0) return 0;
  // The first byte picks the options and the request's facts; the rest is the target.
  const auto flags = data[0];
  const std::string_view raw(reinterpret_cast<const char*>(data + 1), size - 1);
  const target_options options{(flags & 1) != 0};
  auto t = normalize_target(raw, options);
  if (!t) return 0;
  check_canonical(*t, options);

  request_facts facts;
  facts.host = (flags & 2) != 0 ? "www.clinic.local" : "ehr.local";
  facts.path = t->path;
  facts.method = (flags & 4) != 0 ? "GET" : "POST";
  const std::vector<std::string> groups{(flags & 16) != 0 ? "admins" : "staff"};
  if ((flags & 8) != 0) facts.groups = &groups;
  const auto d = decide_access(rules, facts);
  check(!d.reason.empty() && d.rule_index >= -1 && d.rule_index < static_cast<int>(rules.size()));
  // The gateway's decision, without the explanation, is the same decision.
  const auto quick = decide_access(rules, facts, reason_text::omitted);
  check(quick.action == d.action && quick.rule_index == d.rule_index && quick.login_to_decide == d.login_to_decide &&
        quick.reason.empty());
  check(d.login_to_decide == false || (!facts.groups && d.action != access::bypass));
  // Whatever the spelling, a path under /admin never gets past the admin rules.
  if (path_has_prefix(t->path, "/admin")) check(d.rule_index <= 1);
  const int u = select_upstream(upstreams, facts.host, t->path);
  check(u >= 0 && u < static_cast<int>(upstreams.size()));
  return 0;
}
