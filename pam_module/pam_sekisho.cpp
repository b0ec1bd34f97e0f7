// pam_sekisho.so: the entry points PAM calls. Each parses its options, runs one step, and turns anything
// unexpected (a bad option, an exception) into a failure: nothing escapes into the C caller, nothing opens.
#include <security/pam_modules.h>

#include <string_view>
#include <vector>

#include "pam_module/authenticate.hpp"

namespace {

using namespace sekisho::pam;

template <class Step>
int run(pam_handle_t* pamh, int argc, const char** argv, int failure, Step step) {
  module_log log(pamh);
  try {
    std::vector<std::string_view> args;
    for (int i = 0; i < argc; ++i) args.emplace_back(argv[i] != nullptr ? argv[i] : "");
    const auto options = parse_module_options(args);
    if (!options) {
      log.error("refused: bad configuration in the PAM service file: " + options.message());
      return failure;
    }
    log.use(*options);
    return step(pamh, *options, log);
  } catch (...) {
    log.error("refused: internal error");
    return failure;
  }
}

}  // namespace

extern "C" {

PAM_EXTERN int pam_sm_authenticate(pam_handle_t* pamh, int, int argc, const char** argv) {
  return run(pamh, argc, argv, PAM_AUTH_ERR, authenticate);
}

// No credentials to set. Success, so a stack that calls setcred after a good login (sshd does, and a failure
// there is fatal to it) goes on.
PAM_EXTERN int pam_sm_setcred(pam_handle_t*, int, int, const char**) { return PAM_SUCCESS; }

PAM_EXTERN int pam_sm_acct_mgmt(pam_handle_t* pamh, int, int argc, const char** argv) {
  return run(pamh, argc, argv, PAM_PERM_DENIED, check_account);
}

}  // extern "C"
