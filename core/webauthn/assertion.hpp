// Verifying an assertion (WebAuthn L3 §7.2) against a stored credential: the browser's get() response
// in, the new counter and backup state out. Pure: the caller has already found the credential by rawId
// and checked it belongs to the user (and the user handle, WA-A-02…04); it consumes the challenge once
// and stores the new counter atomically (WA-A-19).
#pragma once
#include <cstdint>
#include <string_view>

#include "core/util/result.hpp"
#include "core/webauthn/refusal.hpp"
#include "core/webauthn/types.hpp"

namespace sekisho::webauthn {

// What this server sent in PublicKeyCredentialRequestOptions.
struct assertion_options {
  std::string_view challenge;  // raw bytes (≥ 16)
  user_verification uv = user_verification::preferred;
};

// The stored credential record, as verify_registration returned it and assertions updated it.
struct stored_credential {
  std::string_view id;
  cose_alg alg = cose_alg::es256;
  std::string_view public_key;  // SubjectPublicKeyInfo, DER
  std::uint32_t sign_count = 0;
  bool backup_eligible = false;
};

// The browser's AuthenticatorAssertionResponse, decoded from base64url.
struct assertion_response {
  std::string_view raw_id;
  std::string_view client_data_json;
  std::string_view authenticator_data;
  std::string_view signature;
};

struct verified_assertion {
  std::uint32_t sign_count = 0;  // store this
  bool user_verified = false;
  bool backup_state = false;     // store this (BS may change; BE may not)
};

// Every step of §7.2 that needs no storage, failing closed. The signature is checked before BE and the
// counter, so backup_eligibility_changed and possibly_cloned come only with a valid signature: both are
// worth an audit event, and possibly_cloned means the authenticator may have been copied (§6.1.1).
// Counter rule: when the stored or the new count is non-zero, the new one must be strictly greater.
result<verified_assertion> verify_assertion(const relying_party& rp, const assertion_options& options,
                                            const stored_credential& credential, const assertion_response& response);

}  // namespace sekisho::webauthn
