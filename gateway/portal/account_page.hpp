// The account page's HTML.
#pragma once
#include <string>
#include <vector>

#include "gateway/portal/pages.hpp"

namespace sekisho::gateway {

struct key_summary {
  std::string id;         // credential id, base64url
  std::string name;
  std::string added;      // YYYY-MM-DD
  std::string last_used;  // YYYY-MM-DD, or "" when never
};

// With f.webauthn_options set, the form that registers a new key; without, a link to log in again.
std::string account_page(const page_facts& f, const std::string& user, const std::vector<key_summary>& keys);

}  // namespace sekisho::gateway
