// Why a registration or assertion was refused. Every refusal has its own name so authd can audit it;
// it travels in sekisho::error as "<name>" or "<name>: <detail>" and reason_of() reads it back.
#pragma once
#include <string_view>

#include "core/util/result.hpp"

namespace sekisho::webauthn {

enum class refusal {
  invalid_options,                  // the caller's options cannot be used (empty challenge, origin list…)
  input_too_large,                  // an input is over its size limit
  client_data_malformed,            // clientDataJSON is not UTF-8 JSON of the expected shape
  wrong_type,                       // C.type is not webauthn.create / webauthn.get as expected
  wrong_challenge,                  // C.challenge is not this ceremony's challenge
  wrong_origin,                     // C.origin is not in the allow-list
  cross_origin,                     // C.crossOrigin is true
  top_origin,                       // C.topOrigin is present
  token_binding,                    // C.tokenBinding says a binding was used (we have none)
  attestation_object_malformed,     // attestationObject is not a definite {fmt, attStmt, authData} map
  authenticator_data_malformed,     // authData is truncated, has trailing bytes, bad CBOR…
  wrong_rp_id,                      // rpIdHash is not SHA-256 of our RP ID
  user_not_present,                 // UP flag clear
  user_not_verified,                // UV flag clear while the policy requires it
  backup_state_inconsistent,        // BS set while BE clear
  backup_eligibility_changed,       // BE differs from the stored credential's
  missing_attested_credential,      // registration authData without attested credential data (AT)
  unexpected_attested_credential,   // assertion authData with attested credential data (AT)
  credential_id_too_long,           // credential id over 1023 bytes
  credential_id_mismatch,           // rawId differs from the credential id
  unsupported_algorithm,            // COSE algorithm we cannot verify (ES512, Ed448, PS256…)
  algorithm_not_offered,            // COSE algorithm not among pubKeyCredParams of this ceremony
  public_key_malformed,             // COSE key inconsistent (kty/crv/alg), off the curve, wrong RSA size
  unsupported_attestation_format,   // fmt other than none, packed, fido-u2f, tpm
  unsupported_attestation_algorithm,  // a format variant libfido2 1.12 cannot verify (tpm other than RS1)
  attestation_statement_malformed,  // attStmt has missing, extra or mistyped members
  attestation_signature_invalid,    // the attestation signature does not verify
  attestation_certificate_invalid,  // x5c[0] breaks the format's certificate requirements
  attestation_untrusted,            // the policy needs a chain to a configured root and there is none
  aaguid_not_allowed,               // the authenticator model is not in the AAGUID allow-list
  stored_credential_invalid,        // the stored public key cannot be used with the stored algorithm
  signature_invalid,                // the assertion signature does not verify
  possibly_cloned,                  // valid signature, but the sign counter did not increase
  internal_error,                   // a library failed (allocation…); nothing was accepted
};

std::string_view to_string(refusal r);

// The error for a refusal; `detail` must not contain secrets (it ends up in the audit log).
sekisho::error refuse(refusal r, std::string_view detail = {});

// The refusal an error from this module carries; internal_error for any other error.
refusal reason_of(const sekisho::error& e);

}  // namespace sekisho::webauthn
