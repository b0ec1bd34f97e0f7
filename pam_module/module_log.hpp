// The module's log lines: failures always go to syslog (auth facility) with the reason, so an admin can
// tell "authd is down" from "wrong code"; with `debug` the steps go there too, or to `debug_file`. A line
// never holds a password or a code: the callers pass only names, results and reasons.
#pragma once
#include <string_view>

#include <security/pam_modules.h>

#include "pam_module/module_options.hpp"

namespace sekisho::pam {

class module_log {
 public:
  explicit module_log(pam_handle_t* pamh) : pamh_(pamh) {}
  void use(const module_options& o) { options_ = &o; }

  void error(std::string_view line) const;   // a failure or refusal, always logged
  void notice(std::string_view line) const;  // a successful or ignored authentication, always logged
  void debug(std::string_view line) const;   // only with `debug`

 private:
  void write(int priority, std::string_view line) const;

  pam_handle_t* pamh_;
  const module_options* options_ = nullptr;
};

}  // namespace sekisho::pam
