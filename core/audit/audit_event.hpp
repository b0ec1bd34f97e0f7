// What one audit record says: who did what, from where, over which channel, and how it ended.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sekisho::audit {

struct audit_event {
  std::string event;    // dotted name: "login.password", "user.add", "system.backup", …
  std::string user;     // the account concerned (canonical name); empty when there is none
  std::string source;   // where the request came from: an address, "local", a RADIUS client
  std::string channel;  // "web", "ssh", "radius", "cli" or "system" (free text, but keep to these)
  std::string method;   // the factor or means used: "password", "totp", "recovery", "admin", …
  std::string result;   // "success", "failure", "denied", "locked", "throttled", "info", …
  // A short JSON object ("{\"reason\":\"code_wrong\"}") or plain text. NEVER a secret: no
  // password, code, seed, key or token may appear here, not even a wrong one — the trail is
  // exported to spreadsheets and read by reviewers. Callers are responsible; see below.
  std::string details;
};

// A stored record: the event plus its place in the chain. Hashes are raw 32-byte strings.
struct audit_record : audit_event {
  std::int64_t seq = 0;
  std::int64_t time = 0;  // unix seconds
  std::string prev_hash;
  std::string hash;
};

// The JSON key in `details` that names a secret ("password", "code", "secret", "token", as the
// whole key or one of its `_`/`-`/`.`-separated parts, or its ending: "new_password",
// "totpSecret"), or nullopt. A cheap lint for callers' tests, not a sanitiser.
std::optional<std::string> secret_key_in_details(std::string_view details);

// Throws std::logic_error (a caller's bug) when `secret_key_in_details` finds a key, in every build:
// the scan is cheap next to the HMAC and the INSERT. append_audit calls it first, so the record is
// never written and the surrounding transaction rolls back: it fails closed. A throw rather than an
// abort, so that attacker-influenced text reaching a buggy caller costs that one request (authd
// answers "unavailable"), never authd itself.
void assert_no_secrets(const audit_event& e);

}  // namespace sekisho::audit
