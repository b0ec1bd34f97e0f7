// decide_access and the host and path matching it shares with upstream routing.
#include "core/policy/rules.hpp"

#include <algorithm>
#include <cstddef>
#include <optional>

namespace sekisho {
namespace {

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

// "%2F" or "%5C" at path[i], in either case.
bool encoded_separator_at(std::string_view path, std::size_t i) {
  if (i + 2 >= path.size() || path[i] != '%') return false;
  const char hi = path[i + 1], lo = ascii_lower(path[i + 2]);
  return (hi == '2' && lo == 'f') || (hi == '5' && lo == 'c');
}

// ';' or "%3B" at path[i], in either case: where path parameters start.
bool parameters_at(std::string_view path, std::size_t i) {
  if (i < path.size() && path[i] == ';') return true;
  return i + 2 < path.size() && path[i] == '%' && path[i + 1] == '3' && ascii_lower(path[i + 2]) == 'b';
}

// The first item of a rule's condition list that pred accepts; nullptr when none does.
template <class T, class Pred>
const T* first_match(const std::vector<T>& list, Pred pred) {
  for (const auto& item : list)
    if (pred(item)) return &item;
  return nullptr;
}

std::string rule_label(const access_rule& rule, std::size_t index) {
  const std::string numbered = "rule " + std::to_string(index + 1);
  if (rule.name.empty() || rule.name == numbered) return numbered;
  return "rule \"" + rule.name + "\" (#" + std::to_string(index + 1) + ")";
}

// Adds "what value" to the explanation, when one is being written (out is null otherwise).
void describe(std::string* out, std::string_view what, std::string_view value) {
  if (out == nullptr) return;
  if (!out->empty()) *out += ", ";
  out->append(what).append(" ").append(value);
}

// Checks every condition but groups; on a match, describes what matched into *what ("host a, path /b").
bool match_request(const access_rule& rule, const request_facts& facts, std::string* what) {
  if (!rule.hosts.empty()) {
    const auto* h = first_match(rule.hosts, [&](const std::string& p) { return host_matches(p, facts.host); });
    if (h == nullptr) return false;
    describe(what, "host", *h);
  }
  if (!rule.path_prefixes.empty()) {
    const auto* p = first_match(rule.path_prefixes, [&](const std::string& prefix) {
      return path_has_prefix(facts.path, prefix, facts.paths);
    });
    if (p == nullptr) return false;
    describe(what, "path", *p);
  }
  if (!rule.methods.empty()) {
    const auto* m = first_match(rule.methods, [&](const std::string& x) { return x == facts.method; });
    if (m == nullptr) return false;
    describe(what, "method", *m);
  }
  if (!rule.sources.empty()) {
    const auto* s = first_match(rule.sources, [&](const ip_network& n) { return n.contains(facts.source); });
    if (s == nullptr) return false;
    if (what != nullptr) describe(what, "source", to_string(*s));
  }
  return true;
}

std::string joined_groups(const std::vector<std::string>& groups) {
  std::string out;
  for (std::size_t i = 0; i < groups.size(); ++i) out += (i == 0 ? "" : " or ") + groups[i];
  return out;
}

// The first group rule skipped for want of a login: it decides once the user's groups are known.
access_decision login_to_decide(const access_rule& rule, std::size_t index, std::string* what) {
  access_decision d;
  // A login is the least it takes to learn the groups: a group rule never lets an anonymous request through.
  d.action = rule.action == access::bypass ? access::one_factor : rule.action;
  d.rule_index = static_cast<int>(index);
  d.login_to_decide = true;
  if (what != nullptr) {
    describe(what, "group", joined_groups(rule.groups));
    d.reason = rule_label(rule, index) + ": " + *what + " needs a logged-in user → log in, then decide again (" +
               std::string(to_string(d.action)) + ")";
  }
  return d;
}

}  // namespace

access_decision decide_access(const std::vector<access_rule>& rules, const request_facts& facts, reason_text reason) {
  const bool explain = reason == reason_text::written;
  std::optional<access_decision> pending_login;
  std::string what;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const auto& rule = rules[i];
    what.clear();
    if (!match_request(rule, facts, explain ? &what : nullptr)) continue;
    if (!rule.groups.empty()) {
      if (facts.groups == nullptr) {
        if (!pending_login && rule.action != access::deny)
          pending_login = login_to_decide(rule, i, explain ? &what : nullptr);
        continue;
      }
      const auto* g = first_match(rule.groups, [&](const std::string& group) {
        return first_match(*facts.groups, [&](const std::string& mine) { return mine == group; }) != nullptr;
      });
      if (g == nullptr) continue;
      describe(explain ? &what : nullptr, "group", *g);
    }
    if (rule.action == access::deny && pending_login) return *pending_login;
    access_decision d{rule.action, static_cast<int>(i), false, {}};
    if (explain) {
      if (what.empty()) what = "any request";
      d.reason = rule_label(rule, i) + ": " + what + " → " + std::string(to_string(rule.action));
    }
    return d;
  }
  if (pending_login) return *pending_login;
  return {access::deny, -1, false, explain ? "no rule matched: denied by default" : ""};
}

result<access> parse_access(std::string_view text) {
  for (auto a : {access::deny, access::bypass, access::one_factor, access::two_factor})
    if (text == to_string(a)) return a;
  return make_error("'" + std::string(text) + "' is not deny, bypass, one_factor or two_factor");
}

std::string_view to_string(access a) {
  switch (a) {
    case access::deny: return "deny";
    case access::bypass: return "bypass";
    case access::one_factor: return "one_factor";
    case access::two_factor: return "two_factor";
  }
  return "deny";
}

bool host_matches(std::string_view pattern, std::string_view host) {
  // "ehr.local." is the same name as "ehr.local" (fully qualified); judge both alike.
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  if (pattern == "*") return true;
  if (pattern.starts_with("*.")) {
    const auto suffix = pattern.substr(1);  // ".clinic.local": at least one label must precede it
    return host.size() > suffix.size() && iequals(host.substr(host.size() - suffix.size()), suffix);
  }
  return iequals(pattern, host);
}

bool path_has_prefix(std::string_view path, std::string_view prefix, path_case c) {
  if (prefix.empty() || prefix.front() != '/') return false;  // not a path prefix; config refuses these
  // Path parameters ("/admin;jsessionid=1") are dropped by Tomcat and Jetty before routing, so they are
  // skipped here too: "/admin" covers "/admin;x" and "/admin;x/y" as the upstream would serve them. An
  // encoded ';' likewise, in case an upstream decodes before it strips (as normalize_target assumes). An
  // encoded '/' or '\' (only present for allow_encoded_slash upstreams) may be decoded into a separator
  // upstream, so it ends a segment here too: "/admin" covers "/admin%2Fusers".
  std::size_t i = 0;
  for (std::size_t j = 0; j < prefix.size();) {
    if (i == path.size()) return false;
    if (parameters_at(path, i) && prefix[j] != ';') {
      i = std::min(path.find('/', i), path.size());
      continue;
    }
    if (prefix[j] == '/' && encoded_separator_at(path, i)) {
      i += 3;
      ++j;
      continue;
    }
    if (path[i] != prefix[j] && (c == path_case::exact || ascii_lower(path[i]) != ascii_lower(prefix[j])))
      return false;
    ++i;
    ++j;
  }
  return prefix.back() == '/' || i == path.size() || path[i] == '/' || parameters_at(path, i) ||
         encoded_separator_at(path, i);
}

}  // namespace sekisho
