#include "pam_module/pam_facts.hpp"

#include <unistd.h>

#include <climits>

namespace sekisho::pam {
namespace {

std::string item(pam_handle_t* pamh, int type) {
  const void* value = nullptr;
  if (pam_get_item(pamh, type, &value) != PAM_SUCCESS || value == nullptr) return {};
  return static_cast<const char*>(value);
}

// authd refuses a field over its limit; a long reverse-DNS name for PAM_RHOST must not make logins impossible.
std::string cut(std::string_view s, std::size_t max_bytes) { return std::string(s.substr(0, max_bytes)); }

}  // namespace

std::optional<pam_facts> read_pam_facts(pam_handle_t* pamh) {
  const char* user = nullptr;
  if (pam_get_user(pamh, &user, nullptr) != PAM_SUCCESS || user == nullptr || *user == '\0') return std::nullopt;
  pam_facts f;
  f.user = user;
  f.service = item(pamh, PAM_SERVICE);
  f.rhost = item(pamh, PAM_RHOST);
  f.tty = item(pamh, PAM_TTY);
  char name[HOST_NAME_MAX + 1] = "";
  if (::gethostname(name, sizeof name) == 0) {
    name[HOST_NAME_MAX] = '\0';
    f.host = name;
  }
  return f;
}

std::string_view channel_of(std::string_view service) {
  if (service.starts_with("sshd")) return "ssh";
  if (service.find("radius") != std::string_view::npos) return "radius";
  return "other";
}

nlohmann::json login_request(std::string_view op, const pam_facts& facts) {
  return {{"op", op},
          {"user", cut(facts.user, 256)},
          {"channel", channel_of(facts.service)},
          {"source", cut(facts.rhost, 64)},
          {"service", cut(facts.service, 64)},
          {"host", cut(facts.host, 255)},
          {"tty", cut(facts.tty, 64)}};
}

}  // namespace sekisho::pam
