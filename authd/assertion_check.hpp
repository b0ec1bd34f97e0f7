// Checking one WebAuthn assertion against a user's stored credential: what a security-key login, a passkey
// login and an SSH approval share (WA-A-02…A-19), including the cloned-key rule that locks the key.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>

#include <nlohmann/json.hpp>

#include "authd/pending_logins.hpp"
#include "authd/request_fields.hpp"
#include "authd/webauthn_requests.hpp"
#include "core/login/authenticator.hpp"
#include "core/webauthn/assertion.hpp"

namespace sekisho::authd {

// The decoded assertion of a finish request.
struct assertion_input {
  std::string credential_id;
  std::string client_data_json;
  std::string authenticator_data;
  std::string signature;
  std::string user_handle;  // empty when the browser sent none
};

// Reads the `owner` fields (see read_login_request), then the challenge handle and the assertion: nullptr
// when all are good, else the name of the first bad one.
const char* read_assertion(const nlohmann::json& req, std::initializer_list<field_rule> owner, request_fields& f,
                           assertion_input& in, bool user_handle_required, bool channel_required = true);

// One assertion against the user's stored credential; spends the counter on success. A counter that did
// not increase locks the key and is audited and logged as a warning.
login::factor_check check_assertion(const webauthn_services& svc, store::database& db, std::int64_t now,
                                    const pending_logins::entry& who, const webauthn_challenges::entry& challenge,
                                    const assertion_input& in, const login::context& ctx,
                                    webauthn::user_verification uv);

}  // namespace sekisho::authd
