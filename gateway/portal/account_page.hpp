// The account page's HTML: security keys, password change, authenticator apps, recovery codes, recent logins
// and the devices logged in.
#pragma once
#include <string>
#include <vector>

#include "gateway/portal/pages.hpp"

namespace sekisho::gateway {

inline constexpr const char* account_path = "/.sekisho/account";

struct key_summary {
  std::string id;         // credential id, base64url
  std::string name;
  std::string added;      // YYYY-MM-DD
  std::string last_used;  // YYYY-MM-DD, or "" when never
};

// Times below are local, YYYY-MM-DD HH:MM; method, channel and event as authd names them.
struct login_summary {
  std::string time;
  bool success = false;
  std::string method;  // "password", "totp", "recovery", "webauthn", …
  std::string source;
  std::string channel;  // "web", "ssh", "radius", "cli", …
};

struct session_summary {
  std::string since;
  std::string last_seen;
  std::string source;
  std::string method;
  bool current = false;  // the session asking: this device
};

struct app_summary {
  std::string id;  // authd's number for it
  std::string label;
};

// authd's account.overview; `known` false when it did not answer (the sections then say so).
struct account_summary {
  bool known = false;
  std::string display_name;
  int apps = 0;
  std::vector<app_summary> app_list;
  int recovery_codes_left = 0;
  bool fresh = false;  // logged in with two factors in the last 5 minutes: changes allowed
  std::vector<session_summary> sessions;
  std::vector<login_summary> recent;
};

// With f.webauthn_options set, the form that registers a new key; the changes that need a recent login offer
// a link to log in again instead when the account is not fresh.
std::string account_page(const page_facts& f, const std::string& user, const std::vector<key_summary>& keys,
                         const account_summary& account);

}  // namespace sekisho::gateway
