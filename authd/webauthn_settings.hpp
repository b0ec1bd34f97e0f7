// The [webauthn] config turned into what core/webauthn verifies with: the relying party, the
// user-verification rule and the attestation policy with its root certificates read from disk.
#pragma once
#include <string>

#include "core/config/config.hpp"
#include "core/util/result.hpp"
#include "core/webauthn/registration.hpp"
#include "core/webauthn/types.hpp"

namespace sekisho::authd {

struct webauthn_settings {
  webauthn::relying_party rp;
  std::string rp_name;
  webauthn::user_verification uv = webauthn::user_verification::preferred;
  bool attestation_required = false;  // ask browsers for "direct" attestation and enforce `policy`
  webauthn::attestation_policy policy;
  bool passkey_login = false;  // webauthn.passkey.begin / .finish answer
};

// Reads every trusted_roots file (all its PEM certificates); a file that cannot be read or holds no
// certificate is one line naming webauthn.trusted_roots and the file.
result<webauthn_settings> load_webauthn_settings(const webauthn_config& c);

}  // namespace sekisho::authd
