// The parsed, validated sekisho.toml. Every key has a safe default; unknown keys are errors.
#pragma once
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/gateway_config.hpp"
#include "core/util/result.hpp"

namespace sekisho {

enum class password_profile { mhlw, nist };
enum class totp_algorithm { sha1, sha256, sha512 };

struct authd_config {
  std::filesystem::path socket;
  std::vector<std::string> clients{"root"};
  int max_connections = 64;
  std::chrono::seconds request_timeout{10};
  // Ask the kernel whether NTP keeps the clock synchronised (TOTP depends on it). Off only where the time is kept
  // another way the kernel does not report (a hypervisor's time sync).
  bool clock_check = true;
};

struct password_config {
  password_profile profile = password_profile::mhlw;
  std::uint32_t memory_kib = 65536;
  std::uint32_t iterations = 3;
  std::uint32_t parallelism = 1;
  int max_concurrent_hashes = 2;
  int min_length = 8;
};

struct totp_config {
  std::string issuer = "Sekisho";
  totp_algorithm algorithm = totp_algorithm::sha1;
  int digits = 6;
  std::chrono::seconds period{30};
  int window = 1;
};

struct throttle_config {
  int free_failures = 5;
  std::chrono::seconds base_delay{2};
  std::chrono::seconds max_delay{15 * 60};
  int lock_after = 100;
  int source_free_failures = 20;
  std::chrono::seconds forget_after{24 * 3600};
};

struct audit_config {
  std::filesystem::path key_file;
  std::chrono::seconds head_log_interval{300};
};

struct enrollment_config {
  std::string url = "https://sekisho.local/.sekisho/enroll";
  std::chrono::seconds lifetime{72 * 3600};
};

// Emergency access (the guideline's break-glass): password + a sealed emergency code issued by an admin,
// with a reason, for a short, marked session.
struct break_glass_config {
  bool enabled = false;
  std::chrono::seconds session_lifetime{3600};
  bool accept_recovery_codes = false;  // a recovery code may stand in for the emergency code
  std::string webhook_url;             // "" = none; the gateway POSTs each opening here as JSON
  http_url webhook;                    // parsed from webhook_url
};

// What the PAM module's logins share with the web (pam_sekisho mode=approve, and who must use it).
struct pam_config {
  std::string approve_url;  // shown in the SSH prompt; default: the first WebAuthn origin + /.sekisho/approve
  std::chrono::seconds approval_timeout{120};  // an approval not given by then is void
  std::vector<std::string> approve_groups;     // users in any of these groups log in over PAM only by approval
};

struct session_config {
  std::chrono::seconds idle_timeout{15 * 60};       // closed after this long without a request
  std::chrono::seconds absolute_timeout{12 * 3600}; // closed this long after login, whatever happens (a shift)
};

enum class webauthn_user_verification { preferred, required };
enum class webauthn_attestation { none, required };

// The relying party security keys and passkeys are registered for (WebAuthn). The defaults follow the
// gateway: its first certificate host and every host and port it serves over HTTPS.
struct webauthn_config {
  std::string rp_id;                  // a domain name, never an IP address (WA-G-01)
  std::string rp_name = "Sekisho";    // shown by the browser while registering
  std::vector<std::string> origins;   // exact "https://host[:port]" values, each host rp_id or below it
  webauthn_user_verification user_verification = webauthn_user_verification::preferred;
  // none: any attestation (none included) is accepted and what is verifiable is verified;
  // required: only authenticators whose attestation chains to trusted_roots (and, if aaguids is
  // not empty, of those models).
  webauthn_attestation attestation = webauthn_attestation::none;
  std::vector<std::filesystem::path> trusted_roots;  // PEM files, absolute
  std::vector<std::string> aaguids;                  // 16 raw bytes each
  // Log in with a passkey alone (a discoverable credential that verified its user by PIN or biometrics):
  // something you have plus something you know or are, in one touch. Off unless a site asks for it.
  bool passkey_login = false;
};

struct config {
  std::filesystem::path source;     // the file it came from
  std::filesystem::path state_dir;  // absolute
  std::filesystem::path database;   // state_dir/sekisho.db
  std::filesystem::path master_key_file;
  authd_config authd;
  password_config password;
  totp_config totp;
  throttle_config throttle;
  audit_config audit;
  enrollment_config enrollment;
  session_config session;
  break_glass_config break_glass;
  pam_config pam;
  gateway_config gateway;
  webauthn_config webauthn;
};

inline constexpr std::string_view default_config_path = "/etc/sekisho/sekisho.toml";

// The commented default file that `sekisho init` writes; parsing it yields the defaults above.
std::string_view default_config_text();
// `state_dir` replaced, for init --state-dir.
std::string default_config_text_with_state_dir(const std::filesystem::path& state_dir);

result<config> parse_config(std::string_view toml_text, const std::filesystem::path& source);
result<config> load_config(const std::filesystem::path& path);

// Every key the parser knows, "table.key" form, for the documentation check.
std::vector<std::string> known_config_keys();

std::string_view to_string(password_profile p);
std::string_view to_string(totp_algorithm a);

}  // namespace sekisho
