// The options after the module's name in a PAM service file (`auth required pam_sekisho.so mode=prompt`),
// parsed into one flat struct. Any option the module does not know, or a bad value, is an error: a typo in
// a security stack must fail closed, never be ignored.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/result.hpp"

namespace sekisho::pam {

enum class prompt_mode {
  prompt,    // the password, then a separate prompt for the code
  combined,  // one secret: the password immediately followed by the code (RADIUS PAP)
  approve,   // the password, then approval of this login on the web page with a security key
};

enum class first_pass {
  ask,  // always prompt for the password
  use,  // use_first_pass: the password an earlier module read, or fail
  try_, // try_first_pass: that password when there is one, else prompt
};

// A Sekisho gateway's PAM listener, for a module on another server (url=tls://HOST:PORT).
struct remote_server {
  std::string host;  // a DNS name or an IP address, checked against the gateway's certificate
  std::string port;
  std::string ca_file;     // the only CA the gateway's certificate may chain to (pinned)
  std::string token_file;  // this server's token (`sekisho host add`), root's and unreadable to others
};

struct module_options {
  prompt_mode mode = prompt_mode::prompt;
  first_pass password = first_pass::ask;
  std::string socket = "/run/sekisho/authd.sock";
  std::optional<remote_server> remote;  // set: the gateway's PAM listener instead of the local socket
  std::chrono::milliseconds timeout{10'000};
  bool ignore_unenrolled = false;  // not enrolled: PAM_IGNORE instead of a failure
  std::string ignore_group;        // members of this local group: PAM_IGNORE (empty: none)
  bool debug = false;
  std::string debug_file;          // debug lines go here instead of syslog (empty: syslog)
};

// Every option the module knows, for the documentation check (the man page pam_sekisho(8) names each).
inline constexpr const char* module_option_names[] = {
    "mode",       "use_first_pass", "try_first_pass",    "socket",          "url",   "ca",
    "token_file", "timeout",        "ignore_unenrolled", "ignore_users_in", "debug", "debug_file"};

// `args` as PAM passes them (argc/argv). The error names the option and what is wrong with it.
result<module_options> parse_module_options(const std::vector<std::string_view>& args);

}  // namespace sekisho::pam
