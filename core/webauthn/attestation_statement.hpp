// Attestation statements (WebAuthn §8): which formats we accept and how each is verified.
// none, packed (self and x5c), fido-u2f and tpm (RS1 only) go through libfido2 1.12; the rest
// (android-key, apple, android-safetynet, compound…) are refused, as libfido2 cannot check them (WA-F-10).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include <fido.h>

#include "core/util/result.hpp"
#include "core/webauthn/attestation_object.hpp"
#include "core/webauthn/authenticator_data.hpp"

namespace sekisho::webauthn {

enum class attestation_type {
  none,     // fmt none: nothing proves which authenticator this is
  self,     // packed without x5c: signed by the credential's own key
  basic,    // signed by x5c[0], whose chain was not checked (no roots configured)
  trusted,  // signed by x5c[0], which chains to a configured root
};
std::string_view to_string(attestation_type t);

struct verified_statement {
  attestation_type type = attestation_type::none;
  std::vector<std::string> x5c;  // DER certificates, attestation certificate first; empty for none/self
};

// Verifies obj.statement for obj.fmt over authData ‖ SHA-256(clientDataJSON). `cred` already holds the
// credential's type, client data, RP ID, authData and mirrored extensions (see registration.cpp).
// Refusals: unsupported_attestation_format, unsupported_attestation_algorithm,
// attestation_statement_malformed, attestation_certificate_invalid, attestation_signature_invalid.
result<verified_statement> verify_statement(const attestation_object& obj, const authenticator_data& data,
                                            fido_cred_t* cred);

}  // namespace sekisho::webauthn
