// The portal's only script, served as /.sekisho/static/webauthn.js: WebAuthn has no HTML form, so a few
// lines turn the server's options into navigator.credentials.get()/create() and post the answer in an
// ordinary form. Everything else works without script.
#pragma once
#include <string_view>

namespace sekisho::gateway {

inline constexpr std::string_view webauthn_script_path = "/.sekisho/static/webauthn.js";

std::string_view webauthn_script();

}  // namespace sekisho::gateway
