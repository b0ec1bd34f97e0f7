// Group rules that a later rule undoes. A user outside a rule's groups does not match it, so the first match
// is found further down: when a later rule without groups admits the same requests, everyone gets in there
// anyway and the groups restrict nothing. The rules mean that (first match wins), but an operator who writes
// a group rule expects it to keep the others out, so check-config says so.
#pragma once
#include <string>
#include <vector>

#include "core/policy/rules.hpp"

namespace sekisho {

// One line per group rule (not deny) that a later rule without groups and not deny covers entirely (every
// host, path prefix, method and source the group rule matches), naming both rules and the fix.
std::vector<std::string> group_rule_fallthroughs(const std::vector<access_rule>& rules);

}  // namespace sekisho
