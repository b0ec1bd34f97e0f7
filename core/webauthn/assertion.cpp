#include "core/webauthn/assertion.hpp"

#include "core/webauthn/authenticator_data.hpp"
#include "core/webauthn/client_data.hpp"
#include "core/webauthn/fido.hpp"
#include "core/webauthn/public_key.hpp"

namespace sekisho::webauthn {
namespace {

// DER ECDSA P-384 is at most 104 bytes, RSA-2048 256, Ed25519 64.
constexpr std::size_t max_signature_bytes = 512;

const unsigned char* uchars(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

// Unsolicited assertion extension outputs are ignored (WA-A-18), but libfido2 fails unless the ones it
// knows are announced (LF-A-07): announce them, never read them.
int extension_mask(const cbor_item_t* extensions) {
  int mask = 0;
  if (extensions == nullptr) return mask;
  if (cbor::find(extensions, "hmac-secret") != nullptr) mask |= FIDO_EXT_HMAC_SECRET;
  if (cbor::find(extensions, "credBlob") != nullptr) mask |= FIDO_EXT_CRED_BLOB;
  return mask;
}

// libfido2 checks rpIdHash, UP (set explicitly: LF-P-03), UV when required, and the signature over
// authenticatorData ‖ SHA-256(clientDataJSON).
result<void> check_signature(const relying_party& rp, const assertion_options& options,
                             const fido::public_key& key, const assertion_response& response,
                             const authenticator_data& data) {
  fido::ensure_initialized();
  fido::assert_ptr a(fido_assert_new());
  if (!a) return refuse(refusal::internal_error, "fido_assert_new");
  const auto& cdj = response.client_data_json;
  const auto& ad = response.authenticator_data;
  const int ext = extension_mask(data.extensions.get());
  if (fido_assert_set_count(a.get(), 1) != FIDO_OK || fido_assert_set_rp(a.get(), rp.id.c_str()) != FIDO_OK ||
      fido_assert_set_clientdata(a.get(), uchars(cdj), cdj.size()) != FIDO_OK ||
      fido_assert_set_up(a.get(), FIDO_OPT_TRUE) != FIDO_OK ||
      fido_assert_set_uv(a.get(), options.uv == user_verification::required ? FIDO_OPT_TRUE : FIDO_OPT_OMIT) !=
          FIDO_OK ||
      (ext != 0 && fido_assert_set_extensions(a.get(), ext) != FIDO_OK))
    return refuse(refusal::internal_error, "libfido2 assertion setup");
  if (fido_assert_set_authdata_raw(a.get(), 0, uchars(ad), ad.size()) != FIDO_OK)
    return refuse(refusal::authenticator_data_malformed, "libfido2 refused authenticatorData");
  if (fido_assert_set_sig(a.get(), 0, uchars(response.signature), response.signature.size()) != FIDO_OK)
    return refuse(refusal::signature_invalid, "empty signature");
  const int r = fido_assert_verify(a.get(), 0, key.cose(), key.ptr());
  if (r == FIDO_OK) return {};
  if (r == FIDO_ERR_INVALID_SIG) return refuse(refusal::signature_invalid);
  return refuse(refusal::signature_invalid, std::string("libfido2: ") + fido_strerr(r));
}

// §6.1.1: a counter that does not move forward means two authenticators may share this key.
bool counter_advanced(std::uint32_t stored, std::uint32_t received) {
  if (stored == 0 && received == 0) return true;  // the authenticator keeps no counter
  return received > stored;
}

result<void> check_options(const relying_party& rp, const assertion_options& options) {
  if (rp.id.empty() || rp.origins.empty() || options.challenge.size() < min_challenge_bytes)
    return refuse(refusal::invalid_options, "RP ID, origins and a 16-byte challenge are required");
  return {};
}

}  // namespace

result<verified_assertion> verify_assertion(const relying_party& rp, const assertion_options& options,
                                            const stored_credential& credential, const assertion_response& response) {
  if (auto r = check_options(rp, options); !r) return r.err();
  const auto raw = raw_public_key(credential.alg, credential.public_key);
  const auto key = fido::public_key::from_raw(credential.alg, raw ? *raw : std::string());
  if (!key) return refuse(refusal::stored_credential_invalid, "public key does not fit its algorithm");
  if (response.signature.size() > max_signature_bytes) return refuse(refusal::input_too_large, "signature");
  if (response.raw_id != credential.id) return refuse(refusal::credential_id_mismatch);
  const client_data_expectation expected{ceremony::get, options.challenge, rp.origins};
  if (auto r = check_client_data(response.client_data_json, expected); !r) return r.err();
  auto data = parse_authenticator_data(response.authenticator_data);
  if (!data) return data.err();
  if (data->credential) return refuse(refusal::unexpected_attested_credential);
  if (auto r = check_authenticator_data(*data, rp.id, options.uv); !r) return r.err();
  if (auto r = check_signature(rp, options, key, response, *data); !r) return r.err();
  if (data->has(flag::backup_eligible) != credential.backup_eligible)
    return refuse(refusal::backup_eligibility_changed);
  if (!counter_advanced(credential.sign_count, data->sign_count))
    return refuse(refusal::possibly_cloned,
                  "stored " + std::to_string(credential.sign_count) + ", received " + std::to_string(data->sign_count));
  return verified_assertion{data->sign_count, data->has(flag::user_verified), data->has(flag::backup_state)};
}

}  // namespace sekisho::webauthn
