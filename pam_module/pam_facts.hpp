// What PAM knows about the login being checked: who, through which service, from where, on which terminal,
// for which host. authd records all of it in the audit chain and throttles by the source.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>
#include <security/pam_modules.h>

namespace sekisho::pam {

struct pam_facts {
  std::string user;
  std::string service;  // PAM_SERVICE: sshd, radiusd, sudo…
  std::string rhost;    // PAM_RHOST: the client's address, when the application knows it
  std::string tty;      // PAM_TTY: "ssh" under sshd, a terminal device for login or sudo
  std::string host;     // this machine's name
};

// nullopt when the application gives no user name.
std::optional<pam_facts> read_pam_facts(pam_handle_t* pamh);

// The audit channel of a PAM service: sshd… is "ssh", any name with "radius" in it is "radius", the
// rest (sudo, login, su) "other".
std::string_view channel_of(std::string_view service);

// {"op": op, "user", "channel", "source", "service", "host", "tty"}, each cut to authd's field limits.
nlohmann::json login_request(std::string_view op, const pam_facts& facts);

}  // namespace sekisho::pam
