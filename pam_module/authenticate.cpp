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

// Neither a TOTP code nor a recovery code: stands in for an answer that must fail.
constexpr const char* not_a_code = "-";

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
  auto r = login_request("login.combined", facts);
  r["password"] = std::string(password->view());
  r["code"] = std::string(code->view());
  // sshd's PasswordAuthentication answers every prompt with the one password it has: that is not a code. authd
  // is still asked, with a code that can never be right, so this costs and counts like any wrong code and tells
  // nothing by its timing (sshd answers for unknown users with equal junk of the same length).
  if (equal_constant_time(password->view(), code->view())) {
    log.error("refused " + who(facts) +
              ": the code was the password again (sshd PasswordAuthentication? use keyboard-interactive)");
    r["code"] = not_a_code;
  }
  return r;
}

// authd's verdict on a login as the PAM result, logged.
int verdict(const nlohmann::json& reply, const module_options& o, const pam_facts& facts, const module_log& log) {
  const auto result = reply.value("result", std::string());
  if (result == "ok") {
    log.notice("accepted " + who(facts) + " method=" + reply.value("method", std::string()));
    return PAM_SUCCESS;
  }
  if (result == "not_enrolled" && o.ignore_unenrolled) {
    log.notice("ignored " + who(facts) + ": no second factor enrolled (ignore_unenrolled)");
    return PAM_IGNORE;
  }
  if (result == "approve_required") {
    log.error("refused " + who(facts) + ": approve_required (policy: this user logs in by approval, mode=approve)");
    return PAM_AUTH_ERR;
  }
  log.error("refused " + who(facts) + ": " + (result.empty() ? std::string("no result") : result));
  return PAM_AUTH_ERR;
}

// mode=approve: the password, then the login waits for the user's approval on the web page; Enter ends the
// wait, and only an approved login passes. authd spends the approval either way.
int authenticate_by_approval(pam_handle_t* pamh, const module_options& o, const pam_facts& facts,
                             const module_log& log) {
  auto password = read_password(pamh, o, password_prompt);
  if (!password || password->empty()) {
    log.error("refused " + who(facts) + ": no password (empty, or the conversation gave none)");
    return PAM_AUTH_ERR;
  }
  auto open = login_request("approval.open", facts);
  open["password"] = std::string(password->view());
  const auto opened = ask_authd(o, open);
  if (!opened) {
    log.error("refused " + who(facts) + ": " + opened.message());
    return PAM_AUTHINFO_UNAVAIL;
  }
  if (opened->value("result", std::string()) != "ok") return verdict(*opened, o, facts, log);
  const auto prompt = approve_prompt(opened->value("url", std::string()), opened->value("code", std::string()));
  log.debug("waiting for approval " + who(facts));
  // The answer itself means nothing (Enter); no answer at all means the user or the client went away.
  if (!ask_secret(pamh, prompt.c_str())) {
    log.error("refused " + who(facts) + ": no answer at the approval prompt");
    return PAM_AUTH_ERR;
  }
  auto finish = login_request("approval.finish", facts);
  finish["handle"] = opened->value("handle", std::string());
  const auto finished = ask_authd(o, finish);
  if (!finished) {
    log.error("refused " + who(facts) + ": " + finished.message());
    return PAM_AUTHINFO_UNAVAIL;
  }
  return verdict(*finished, o, facts, log);
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
  if (o.mode == prompt_mode::approve) return authenticate_by_approval(pamh, o, *facts, log);
  auto request = ask_for_login(pamh, o, *facts, log);
  if (!request) return PAM_AUTH_ERR;
  const bool doomed = request->value("code", std::string()) == not_a_code;
  const auto reply = ask_authd(o, *request);
  if (!reply) {
    log.error("refused " + who(*facts) + ": " + reply.message());
    return PAM_AUTHINFO_UNAVAIL;
  }
  if (doomed) return PAM_AUTH_ERR;  // said why above
  return verdict(*reply, o, *facts, log);
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
