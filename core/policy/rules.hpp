// Access rules: first match wins, and a request no rule matches is denied.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/policy/network.hpp"
#include "core/util/result.hpp"

namespace sekisho {

enum class access { deny, bypass, one_factor, two_factor };

struct access_rule {
  std::string name;                        // for check-policy and logs; "rule N" when unnamed
  std::vector<std::string> hosts;          // empty = any; "ehr.local", "*.clinic.local", "*"; no port, lower case
  std::vector<std::string> path_prefixes;  // empty = any; segment-aware: "/admin" matches "/admin", "/admin/x"
  std::vector<std::string> methods;        // empty = any; upper case
  std::vector<ip_network> sources;         // empty = any
  std::vector<std::string> groups;         // empty = any; non-empty needs a logged-in user in one of them
  access action = access::deny;
};

// How path prefixes compare: exactly, as Linux web servers serve paths, or without regard to ASCII case, as
// Windows servers do (an upstream with windows_paths: windows_path.hpp).
enum class path_case { exact, ignored };

struct request_facts {
  std::string_view host;    // lower case, port removed
  std::string_view path;    // normalised (normalize_target)
  std::string_view method;  // as sent; compared exactly (methods are case-sensitive)
  ip_address source;
  // The user's groups once a session exists; null before login.
  const std::vector<std::string>* groups = nullptr;
  path_case paths = path_case::exact;  // as the upstream that serves the request compares them
};

struct access_decision {
  access action = access::deny;
  int rule_index = -1;  // -1: nothing matched (default deny)
  // A group rule was skipped because nobody is logged in yet, and it could let the user in after login:
  // the gateway asks for a login (action is that rule's action, but one_factor for a bypass rule, since
  // learning the groups takes a login) and decides again with the user's groups.
  bool login_to_decide = false;
  std::string reason;   // one line in English, for check-policy and logs (when written)
};

// The gateway decides on every request and needs no explanation; check-policy does.
enum class reason_text { written, omitted };

access_decision decide_access(const std::vector<access_rule>& rules, const request_facts& facts,
                              reason_text reason = reason_text::written);

result<access> parse_access(std::string_view text);  // "deny", "bypass", "one_factor", "two_factor"
std::string_view to_string(access a);

// Host-name pattern check shared by rules and upstream routing: "*" is any host, "*.x.y" is any name below
// x.y (not x.y itself), anything else is exact; ASCII case-insensitive; a trailing '.' on host is ignored.
bool host_matches(std::string_view pattern, std::string_view host);
// Segment-aware prefix check shared by rules and upstream routing: "/" matches every path; "/admin" matches
// "/admin" and "/admin/x" but not "/administrator"; "/admin/" matches "/admin/x" but not "/admin". Path
// parameters are skipped as Tomcat and Jetty skip them: "/admin" also matches "/admin;x" and "/admin;x/y".
// An encoded '/' or '\' (allow_encoded_slash) counts as a separator: "/admin" matches "/admin%2Fx".
// With path_case::ignored, "/admin" also matches "/ADMIN/x" (ASCII letters only; escapes stay exact).
bool path_has_prefix(std::string_view path, std::string_view prefix, path_case c = path_case::exact);

}  // namespace sekisho
