#include "core/policy/rule_fallthrough.hpp"

#include <algorithm>
#include <functional>

namespace sekisho {
namespace {

// Whether every item of `narrow` is covered by some item of `wide`; an empty list is "any", which only an
// empty `wide` covers.
template <class T, class Covers>
bool covers_all(const std::vector<T>& wide, const std::vector<T>& narrow, Covers covers) {
  if (wide.empty()) return true;
  if (narrow.empty()) return false;
  return std::all_of(narrow.begin(), narrow.end(), [&](const T& n) {
    return std::any_of(wide.begin(), wide.end(), [&](const T& w) { return covers(w, n); });
  });
}

// A host pattern covers another when it matches every name that one does.
bool host_covers(const std::string& wide, const std::string& narrow) {
  if (wide == "*" || wide == narrow) return true;
  return narrow.rfind("*.", 0) == std::string::npos && host_matches(wide, narrow);
}

// Whether `later` matches every request `group_rule` matches (groups aside). Source networks are compared
// only when the later rule has none: a later rule for some networks is taken as meant.
bool covers(const access_rule& later, const access_rule& group_rule) {
  return later.sources.empty() && covers_all(later.hosts, group_rule.hosts, host_covers) &&
         covers_all(later.path_prefixes, group_rule.path_prefixes,
                    [](const std::string& w, const std::string& n) { return path_has_prefix(n, w); }) &&
         covers_all(later.methods, group_rule.methods, std::equal_to<std::string>());
}

}  // namespace

std::vector<std::string> group_rule_fallthroughs(const std::vector<access_rule>& rules) {
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const auto& g = rules[i];
    if (g.groups.empty() || g.action == access::deny) continue;
    for (std::size_t j = i + 1; j < rules.size(); ++j) {
      const auto& later = rules[j];
      if (!covers(later, g)) continue;
      if (later.groups.empty() && later.action != access::deny)
        lines.push_back("rule '" + g.name + "' admits only its groups, but rule '" + later.name + "' (" +
                        std::string(to_string(later.action)) +
                        ") below it admits everyone else to the same requests; to keep them out, add a deny "
                        "rule for the same paths right after '" + g.name + "'");
      if (later.groups.empty()) break;  // the first rule without groups that covers it decides for the others
    }
  }
  return lines;
}

}  // namespace sekisho
