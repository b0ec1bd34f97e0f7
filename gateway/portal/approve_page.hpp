// The SSH approval page's HTML (/.sekisho/approve): the code from the terminal, then what asked (host,
// service, address, terminal, when) with the security key button to approve and a button to deny.
#pragma once
#include <cstdint>
#include <string>

#include "gateway/portal/pages.hpp"

namespace sekisho::gateway {

// What authd says about one waiting approval.
struct approval_view {
  std::string code;  // 4821-3390
  std::string host;
  std::string service;
  std::string source;
  std::string tty;
  std::int64_t opened_at = 0;  // seconds since the epoch
  std::int64_t expires_in = 0;
};

// The form for the code shown at the terminal (and, above it, the outcome of a decision just made).
std::string approve_code_page(const page_facts& f);
// One approval's details, the security key button (facts.webauthn_options) and the deny button.
std::string approve_details_page(const page_facts& f, const approval_view& a);

}  // namespace sekisho::gateway
