// What a login shows before the app when the account changed since the user's previous login (a key or app
// added, the password changed, emergency access used…): the user is the one who can tell whether it was
// them (NIST SP 800-63B-4 §4.1.2.1: the subscriber is told of a new binding).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "gateway/portal/pages.hpp"

namespace sekisho::gateway {

struct account_change {
  std::int64_t time = 0;  // seconds since the epoch
  std::string event;      // the audit event (webauthn.register, totp.add, …)
  std::string source;     // the address it came from
};

// The changes, newest first, and the way on to f.return_path.
std::string account_changes_page(const page_facts& f, const std::vector<account_change>& changes);

}  // namespace sekisho::gateway
