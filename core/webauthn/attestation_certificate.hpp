// The X.509 side of attestation, which libfido2 leaves to us (LF-P-07, LF-R-13): the certificate
// requirements of each format and the chain to the roots an administrator configured.
#pragma once
#include <span>
#include <string>
#include <string_view>

#include "core/util/result.hpp"

namespace sekisho::webauthn {

// packed, §8.2.1: X.509 v3; subject with C, O, OU = "Authenticator Attestation" and CN; not a CA; an
// id-fido-gen-ce-aaguid extension (1.3.6.1.4.1.45724.1.1.4), if present, non-critical and equal to `aaguid`.
result<void> check_packed_certificate(std::string_view der, std::string_view aaguid);

// tpm, §8.3.1: X.509 v3; empty subject; a subject alternative name; extended key usage
// tcg-kp-AIKCertificate (2.23.133.8.3); not a CA; the AAGUID extension as for packed.
result<void> check_tpm_certificate(std::string_view der, std::string_view aaguid);

// fido-u2f, §8.6: the certificate's key is EC on P-256.
result<void> check_u2f_certificate(std::string_view der);

// True when x5c[0] verifies with x5c[1…] as untrusted intermediates up to one of `roots` (DER).
// Only the configured roots are anchors (never the system store: Keycloak #48439), and any of them may
// be an intermediate CA (OpenSSL's partial-chain mode), as FIDO metadata lists vendor CAs that way.
// Validity periods are checked against the current time; revocation is not (no network on the box).
bool chains_to_roots(std::span<const std::string> x5c, std::span<const std::string> roots);

}  // namespace sekisho::webauthn
