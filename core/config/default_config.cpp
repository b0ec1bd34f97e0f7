// The default sekisho.toml, embedded so that `sekisho init` works with nothing else installed.
#include <string>

#include "core/config/config.hpp"

namespace sekisho {
namespace {

constexpr std::string_view text = R"toml(# Sekisho configuration (sekisho.toml(5)). Every key is optional; the values shown are the defaults.
# Durations are strings: "30s", "15m", "12h", "7d". Unknown keys are errors.

# Where the database, the master key and the audit key live. A relative path is relative to this file.
state_dir = "/var/lib/sekisho"

[authd]
# Unix socket authd listens on (never a network port). Relative paths are inside state_dir.
socket = "authd.sock"
# Local users allowed to call authd. sshd and FreeRADIUS call it as root; add the gateway's user here.
clients = ["root"]
max_connections = 64
request_timeout = "10s"
# authd warns (log, audit, /.sekisho/health) when the kernel says NTP does not keep the clock synchronised:
# TOTP codes depend on it. Set false only where a hypervisor keeps the time in a way the kernel does not report.
clock_check = true

[password]
# "mhlw": the ministry checklist (8+ characters mixing letters, digits and symbols).
# "nist": NIST SP 800-63B-4 (8+ characters, no composition rules). Both use the blocklist.
profile = "mhlw"
min_length = 8
# Argon2id cost. Raising these rehashes each password at its owner's next login.
memory_kib = 65536
iterations = 3
parallelism = 1
# At most this many hashes run at once; a burst of logins waits instead of exhausting memory.
max_concurrent_hashes = 2

[totp]
issuer = "Sekisho"
# SHA1 with 6 digits and 30 s works with every authenticator app.
algorithm = "SHA1"
digits = 6
period = "30s"
# Accept codes one step before or after the current one (clock drift).
window = 1

[throttle]
# After free_failures consecutive failures for a user, each attempt waits base_delay, doubling up to max_delay.
free_failures = 5
base_delay = "2s"
max_delay = "15m"
# After this many consecutive failures the account is locked until `sekisho user unlock` (NIST: at most 100).
lock_after = 100
# Failures from one source address (any user) before its attempts are delayed too.
source_free_failures = 20
# A source address's counter is forgotten after this long without failures (a user's only by a login or unlock).
forget_after = "24h"

[audit]
# HMAC key of the audit chain, kept outside the database. Relative paths are inside state_dir.
key_file = "audit.key"
# How often authd writes the chain head to syslog, so a cut-off tail is detectable.
head_log_interval = "5m"

[enrollment]
# Base of the one-time enrollment links printed by `sekisho user add`.
url = "https://sekisho.local/.sekisho/enroll"
lifetime = "72h"

[break_glass]
# Emergency access when a user cannot use their second factor: password + a sealed emergency code
# (`sekisho break-glass issue USER`) + a typed reason opens a short session that is marked in the access
# log, shown with a banner, and raised as a WARNING for review. Each code works once.
enabled = false
session_lifetime = "1h"
# Whether a recovery code may stand in for the emergency code.
accept_recovery_codes = false
# Where the gateway POSTs each opening as JSON (a chat or ticket system), http:// or https:// (verified
# against the system's CAs). Leave out for none.
# webhook_url = "https://alerts.clinic.example/hooks/break-glass"

[pam]
# pam_sekisho mode=approve: after the password, the SSH prompt shows this page and a code; the user approves
# that login there with a security key. Default: the first WebAuthn origin + /.sekisho/approve.
#approve_url = "https://ehr.clinic.example/.sekisho/approve"
# An approval not given within this time is void (sshd's LoginGraceTime is 2 minutes).
approval_timeout = "2m"
# Users in any of these groups (`sekisho user add --group`) log in over PAM (SSH, RADIUS) only by approval with
# their security key; a password and code are refused for them there.
approve_groups = []

[session]
# A web session ends after this long without a request (a workstation left unlocked)…
idle_timeout = "15m"
# …and this long after login, whatever happens (one shift).
absolute_timeout = "12h"

[keys]
# AES-256-GCM key that seals TOTP secrets. Relative paths are inside state_dir.
master_key_file = "master.key"

[webauthn]
# Security keys and passkeys. The RP ID is the domain they are registered for: a domain name, never an
# IP address. Default: the first host of the first [[gateway.certificate]] ("localhost" without one).
#rp_id = "ehr.clinic.example"
# The name the browser shows while registering.
rp_name = "Sekisho"
# The exact origins allowed to use them, each the RP ID or a host below it. Default: "https://HOST" (plus
# ":PORT" unless 443) for every certificate host and every gateway.listen port.
#origins = ["https://ehr.clinic.example"]
# "preferred": a key without PIN or fingerprint still counts as a second factor after the password.
# "required": refuse keys that did not verify their user.
user_verification = "preferred"
# "none": accept any security key or passkey (what can be verified is verified).
# "required": only keys whose attestation chains to trusted_roots (PEM files, inside state_dir when
# relative) and, when aaguids lists any, only those models (UUIDs) — for hospital-issued keys.
attestation = "none"
trusted_roots = []
aaguids = []
)toml";

}  // namespace

std::string_view default_config_text() { return text; }

std::string default_config_text_with_state_dir(const std::filesystem::path& state_dir) {
  std::string out(text);
  const std::string from = "state_dir = \"/var/lib/sekisho\"";
  std::string escaped;
  for (char c : state_dir.string()) {
    if (c == '"' || c == '\\') escaped.push_back('\\');
    escaped.push_back(c);
  }
  out.replace(out.find(from), from.size(), "state_dir = \"" + escaped + "\"");
  return out;
}

}  // namespace sekisho
