// attestationObject (WebAuthn §6.5.4): a definite CBOR map of exactly fmt (text), attStmt (map) and
// authData (bytes), with nothing after it (WA-R-10). libfido2 1.12 has no fido_cred_set_attobj
// (LF-F-02), so we take it apart here and hand libfido2 the pieces (LF-R-02).
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include "core/util/result.hpp"
#include "core/webauthn/cbor.hpp"

namespace sekisho::webauthn {

// A TPM statement with a three-certificate chain is a few kilobytes; 64 KiB is far beyond any real one.
inline constexpr std::size_t max_attestation_object_bytes = 64 * 1024;

struct attestation_object {
  std::string fmt;
  cbor::item_ptr statement;  // attStmt, a map; its members depend on fmt
  std::string auth_data;     // raw authenticatorData
};

// Refusals: input_too_large, attestation_object_malformed.
result<attestation_object> parse_attestation_object(std::string_view raw);

}  // namespace sekisho::webauthn
