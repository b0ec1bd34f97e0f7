// What happens to a request, decided from the normalised target alone (pitfalls.md: the path that is
// judged is the path that is served): which upstream, which rule, and whether a login is needed first.
// Pure, so check-policy, the unit tests and the fuzzer run exactly the gateway's decision.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/gateway_config.hpp"
#include "core/policy/rules.hpp"
#include "core/policy/target.hpp"
#include "core/util/result.hpp"

namespace sekisho::gateway {

// Who the session says the user is; absent before login.
struct session_identity {
  std::string user;
  std::vector<std::string> groups;
  std::string display_name;
  int factors = 0;  // 1: password only; 2: password and a second factor
  std::string log_tag;  // a short hash of the session id: groups a session's access-log lines, reveals nothing
  bool break_glass = false;  // an emergency session: marked in the log, a banner on every page
  bool must_change_password = false;  // an admin's temporary password: the account page until it is changed
};

// portal: the reserved prefix /.sekisho/, served by the gateway itself on every host, before any rule.
enum class admission_kind { forward, portal, login, deny, not_found, bad_request };

// Whether a normalised path is under the reserved prefix.
bool is_portal_path(std::string_view path);

struct admission {
  admission_kind kind = admission_kind::deny;
  int upstream = -1;
  bool send_identity = false;  // bypass routes forward no identity at all
  request_target target;       // normalised
  access_decision decision;    // the rule that decided (for logs and check-policy)
  std::string problem;         // for bad_request: what was wrong (logged, not shown)
};

// "Host" header → lower-case host without port; refuses anything that is not a DNS name or IP literal.
result<std::string> host_from_header(std::string_view host_header);

// The gateway's requests omit the rule's explanation; check-policy asks for it.
admission admit(const gateway_config& g, std::string_view host, std::string_view raw_target, std::string_view method,
                const ip_address& source, const session_identity* who,  // null: not logged in
                reason_text reason = reason_text::omitted);

}  // namespace sekisho::gateway
