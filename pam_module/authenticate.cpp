#include "pam_module/authenticate.hpp"

#include <optional>
#include <string>

#include "pam_module/authd_link.hpp"
#include "pam_module/conversation.hpp"
#include "pam_module/group_member.hpp"
#include "pam_module/pam_facts.hpp"
#include "pam_module/prompts.hpp"

namespace sekisho::pam {
namespace {

std::string who(const pam_facts& f) {
  return "user=" + f.user + " service=" + f.service + " rhost=" + (f.rhost.empty() ? "-" : f.rhost) +
         " tty=" + (f.tty.empty() ? "-" : f.tty);
}

// The password an earlier module read (use_first_pass, try_first_pass), else one asked for here.
std::optional<secret> read_password(pam_handle_t* pamh, const module_options& o, const char* prompt) {
  if (o.password != first_pass::ask) {
    const void* token = nullptr;
    if (pam_get_item(pamh, PAM_AUTHTOK, &token) == PAM_SUCCESS && token != nullptr)
      return secret(static_cast<const char*>(token));
    if (o.password == first_pass::use) return std::nullopt;
  }
  return ask_secret(pamh, prompt);
}

// The request for authd, or nullopt (and a log line) when the answers cannot be a login.
std::optional<nlohmann::json> ask_for_login(pam_handle_t* pamh, const module_options& o, const pam_facts& facts,
                                            const module_log& log) {
  if (o.mode == prompt_mode::combined) {
    auto joined = read_password(pamh, o, combined_prompt);
    if (!joined || joined->empty()) {
      log.error("refused " + who(facts) + ": no answer (empty, or the conversation gave none)");
      return std::nullopt;
    }
    auto r = login_request("login.joined", facts);
    r["password_and_code"] = std::string(joined->view());
    return r;
  }
  auto password = read_password(pamh, o, password_prompt);
  if (!password || password->empty()) {
    log.error("refused " + who(facts) + ": no password (empty, or the conversation gave none)");
    return std::nullopt;
  }
  if (o.password == first_pass::ask) pam_set_item(pamh, PAM_AUTHTOK, std::string(password->view()).c_str());
  auto code = ask_secret(pamh, code_prompt);
  if (!code || code->empty()) {
    log.error("refused " + who(facts) + ": no code (empty, or the conversation gave none)");
    return std::nullopt;
  }
  // sshd's PasswordAuthentication answers every prompt with the one password it has: that is not a code.
  if (equal_constant_time(password->view(), code->view())) {
    log.error("refused " + who(facts) +
              ": the code was the password again (sshd PasswordAuthentication? use keyboard-interactive)");
    return std::nullopt;
  }
  auto r = login_request("login.combined", facts);
  r["password"] = std::string(password->view());
  r["code"] = std::string(code->view());
  return r;
}

}  // namespace

int authenticate(pam_handle_t* pamh, const module_options& o, const module_log& log) {
  const auto facts = read_pam_facts(pamh);
  if (!facts) {
    log.error("refused: the application gave no user name");
    return PAM_AUTH_ERR;
  }
  if (!o.ignore_group.empty() && in_local_group(facts->user, o.ignore_group)) {
    log.notice("ignored " + who(*facts) + ": member of " + o.ignore_group);
    return PAM_IGNORE;
  }
  auto request = ask_for_login(pamh, o, *facts, log);
  if (!request) return PAM_AUTH_ERR;
  const auto reply = ask_authd(o, *request);
  if (!reply) {
    log.error("refused " + who(*facts) + ": " + reply.message());
    return PAM_AUTHINFO_UNAVAIL;
  }
  const auto result = reply->value("result", std::string());
  if (result == "ok") {
    log.notice("accepted " + who(*facts) + " method=" + reply->value("method", std::string()));
    return PAM_SUCCESS;
  }
  if (result == "not_enrolled" && o.ignore_unenrolled) {
    log.notice("ignored " + who(*facts) + ": no second factor enrolled (ignore_unenrolled)");
    return PAM_IGNORE;
  }
  log.error("refused " + who(*facts) + ": " + (result.empty() ? std::string("no result") : result));
  return PAM_AUTH_ERR;
}

int check_account(pam_handle_t* pamh, const module_options& o, const module_log& log) {
  const auto facts = read_pam_facts(pamh);
  if (!facts) {
    log.error("account refused: the application gave no user name");
    return PAM_PERM_DENIED;
  }
  if (!o.ignore_group.empty() && in_local_group(facts->user, o.ignore_group)) return PAM_IGNORE;
  nlohmann::json request = {{"op", "account.status"}, {"user", facts->user.substr(0, 256)}};
  const auto reply = ask_authd(o, request);
  if (!reply) {
    log.error("account refused " + who(*facts) + ": " + reply.message());
    return PAM_PERM_DENIED;
  }
  const auto status = reply->value("status", std::string());
  log.debug("account " + who(*facts) + " status=" + status);
  if (status == "active") return PAM_SUCCESS;
  if (status == "not_enrolled" && o.ignore_unenrolled) return PAM_IGNORE;
  if (status == "unknown") {
    log.error("account refused " + who(*facts) + ": not a Sekisho user");
    return PAM_USER_UNKNOWN;
  }
  log.error("account refused " + who(*facts) + ": " + (status.empty() ? std::string("no status") : status));
  return PAM_PERM_DENIED;
}

}  // namespace sekisho::pam
