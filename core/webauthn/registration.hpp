// Verifying a registration (WebAuthn L3 §7.1): the browser's create() response in, the credential
// record authd stores out. Pure: no I/O, no clock beyond certificate validity, no state. The caller
// owns the challenge's single use, the uniqueness of the credential id (WA-R-23) and storage.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/result.hpp"
#include "core/webauthn/attestation_statement.hpp"
#include "core/webauthn/refusal.hpp"
#include "core/webauthn/types.hpp"

namespace sekisho::webauthn {

// What this server sent in PublicKeyCredentialCreationOptions.
struct registration_options {
  std::string_view challenge;                                 // raw bytes (≥ 16)
  std::span<const cose_alg> algorithms = default_algorithms;  // pubKeyCredParams
  user_verification uv = user_verification::preferred;
};

// Who may vouch for an authenticator. Empty (the default): any attestation, including none.
struct attestation_policy {
  // DER certificates. When not empty, x5c must chain to one of them: none and self attestation are refused.
  std::vector<std::string> trusted_roots;
  // 16-byte AAGUIDs. When not empty, only these models are accepted — and only with a chain to
  // trusted_roots, because an AAGUID without verified attestation is only a claim (pitfalls.md,
  // Keycloak #9511/#48439). With no roots configured this refuses every registration.
  std::vector<std::string> allowed_aaguids;
};

// The browser's AuthenticatorAttestationResponse, decoded from base64url.
struct registration_response {
  std::string_view raw_id;  // PublicKeyCredential.rawId
  std::string_view client_data_json;
  std::string_view attestation_object;
};

// The credential record (L3 §7.1 step 27), ready to store.
struct registered_credential {
  std::string id;          // credential id, 1 … 1023 bytes
  cose_alg alg = cose_alg::es256;
  std::string public_key;  // SubjectPublicKeyInfo, DER (see public_key.hpp)
  std::uint32_t sign_count = 0;
  std::string aaguid;      // 16 bytes
  bool user_verified = false;  // uvInitialized
  bool backup_eligible = false;
  bool backup_state = false;
  std::string attestation_format;  // none, packed, fido-u2f, tpm
  attestation_type attestation = attestation_type::none;
};

// Every step of §7.1 that needs no storage, failing closed on the first refusal; reason_of(error)
// names it. Steps: client data (type webauthn.create, challenge, origin, crossOrigin, topOrigin),
// attestationObject and authData parsed completely, rpIdHash, UP, UV per options, BS only with BE,
// credential id ≤ 1023 and equal to rawId, algorithm offered, attestation statement, attestation policy.
result<registered_credential> verify_registration(const relying_party& rp, const registration_options& options,
                                                  const attestation_policy& policy,
                                                  const registration_response& response);

}  // namespace sekisho::webauthn
