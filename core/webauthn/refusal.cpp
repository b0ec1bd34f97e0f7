#include "core/webauthn/refusal.hpp"

#include <array>
#include <string>

namespace sekisho::webauthn {
namespace {

// Indexed by the enum (keep the order); a test checks every name round-trips through reason_of().
constexpr std::array<std::string_view, static_cast<std::size_t>(refusal::internal_error) + 1> names = {
    "invalid_options",
    "input_too_large",
    "client_data_malformed",
    "wrong_type",
    "wrong_challenge",
    "wrong_origin",
    "cross_origin",
    "top_origin",
    "token_binding",
    "attestation_object_malformed",
    "authenticator_data_malformed",
    "wrong_rp_id",
    "user_not_present",
    "user_not_verified",
    "backup_state_inconsistent",
    "backup_eligibility_changed",
    "missing_attested_credential",
    "unexpected_attested_credential",
    "credential_id_too_long",
    "credential_id_mismatch",
    "unsupported_algorithm",
    "algorithm_not_offered",
    "public_key_malformed",
    "unsupported_attestation_format",
    "unsupported_attestation_algorithm",
    "attestation_statement_malformed",
    "attestation_signature_invalid",
    "attestation_certificate_invalid",
    "attestation_untrusted",
    "aaguid_not_allowed",
    "stored_credential_invalid",
    "signature_invalid",
    "possibly_cloned",
    "internal_error",
};

}  // namespace

std::string_view to_string(refusal r) {
  const auto i = static_cast<std::size_t>(r);
  return i < names.size() ? names[i] : "internal_error";
}

sekisho::error refuse(refusal r, std::string_view detail) {
  std::string message(to_string(r));
  if (!detail.empty()) {
    message += ": ";
    message += detail;
  }
  return make_error(std::move(message));
}

refusal reason_of(const sekisho::error& e) {
  const std::string_view m = e.message;
  const std::string_view name = m.substr(0, m.find(':'));
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<refusal>(i);
  return refusal::internal_error;
}

}  // namespace sekisho::webauthn
