#include "core/webauthn/registration.hpp"

#include <algorithm>

#include "core/webauthn/attestation_certificate.hpp"
#include "core/webauthn/attestation_object.hpp"
#include "core/webauthn/authenticator_data.hpp"
#include "core/webauthn/client_data.hpp"
#include "core/webauthn/fido.hpp"

namespace sekisho::webauthn {
namespace {

const unsigned char* uchars(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

// libfido2 compares the extensions in authData with those set on the credential and fails on any
// difference (LF-R-08, libfido2 #612). We asked for none, so whatever the authenticator reports is
// unsolicited: mirror it so verification can proceed, and let policy judge the values elsewhere.
result<void> mirror_extensions(fido_cred_t* cred, const cbor_item_t* extensions) {
  if (extensions == nullptr) return {};
  int mask = 0;
  const cbor_pair* pairs = cbor_map_handle(extensions);
  for (std::size_t i = 0; i < cbor_map_size(extensions); ++i) {
    const auto name = cbor::text(pairs[i].key);
    // Both are one-byte unsigned values in CTAP2; libfido2 decodes nothing wider.
    const auto small = cbor::integer(pairs[i].value);
    const bool byte = small && *small > 0 && *small <= 255;
    if (name == "credProtect") {
      if (!byte || fido_cred_set_prot(cred, static_cast<int>(*small)) != FIDO_OK)
        return refuse(refusal::authenticator_data_malformed, "credProtect");
    } else if (name == "minPinLength") {
      if (!byte || fido_cred_set_pin_minlen(cred, static_cast<std::size_t>(*small)) != FIDO_OK)
        return refuse(refusal::authenticator_data_malformed, "minPinLength");
    } else if (name == "hmac-secret" && cbor::boolean(pairs[i].value) == true) {
      mask |= FIDO_EXT_HMAC_SECRET;
    } else if (name == "credBlob" && cbor::boolean(pairs[i].value) == true) {
      mask |= FIDO_EXT_CRED_BLOB;
    }
  }
  if (mask != 0 && fido_cred_set_extensions(cred, mask) != FIDO_OK) return refuse(refusal::internal_error, "extensions");
  return {};
}

// A libfido2 credential holding everything but the statement, in the order libfido2 needs: the type
// first, because decoding authData compares the key's alg with it (LF-R-04, LF-P-02).
result<fido::cred_ptr> prepare_cred(const relying_party& rp, const registration_options& options,
                                    const registration_response& response, const attestation_object& obj,
                                    const authenticator_data& data) {
  fido::ensure_initialized();
  fido::cred_ptr cred(fido_cred_new());
  if (!cred) return refuse(refusal::internal_error, "fido_cred_new");
  const auto& cdj = response.client_data_json;
  if (fido_cred_set_type(cred.get(), static_cast<int>(data.credential->key.alg)) != FIDO_OK ||
      fido_cred_set_clientdata(cred.get(), uchars(cdj), cdj.size()) != FIDO_OK ||
      fido_cred_set_rp(cred.get(), rp.id.c_str(), nullptr) != FIDO_OK)
    return refuse(refusal::internal_error, "libfido2 credential setup");
  // Raw authData (LF-R-07); libfido2 decodes the COSE key again and validates it.
  if (fido_cred_set_authdata_raw(cred.get(), uchars(obj.auth_data), obj.auth_data.size()) != FIDO_OK)
    return refuse(refusal::authenticator_data_malformed, "libfido2 refused authData");
  if (auto r = mirror_extensions(cred.get(), data.extensions.get()); !r) return r.err();
  if (options.uv == user_verification::required && fido_cred_set_uv(cred.get(), FIDO_OPT_TRUE) != FIDO_OK)
    return refuse(refusal::internal_error, "fido_cred_set_uv");
  return cred;
}

// Our COSE parse and libfido2's must agree on the key: the key we store is then the key libfido2
// verified the (self) attestation with, whatever oddity the encoding had. It also proves that the SPKI we
// return reads back with raw_public_key, as every assertion will read it.
result<void> same_key_as_libfido2(const fido_cred_t* cred, const credential_key& ours) {
  const auto* ptr = reinterpret_cast<const char*>(fido_cred_pubkey_ptr(cred));
  const auto raw = raw_public_key(ours.alg, ours.spki);
  if (ptr == nullptr || !raw || *raw != std::string_view(ptr, fido_cred_pubkey_len(cred)))
    return refuse(refusal::public_key_malformed, "libfido2 reads a different key");
  return {};
}

result<void> apply_policy(const attestation_policy& policy, verified_statement& statement, std::string_view aaguid) {
  if (policy.trusted_roots.empty() && policy.allowed_aaguids.empty()) return {};
  if (statement.x5c.empty()) return refuse(refusal::attestation_untrusted, "no certificate to check");
  if (!chains_to_roots(statement.x5c, policy.trusted_roots))
    return refuse(refusal::attestation_untrusted, "no chain to a configured root");
  statement.type = attestation_type::trusted;
  if (!policy.allowed_aaguids.empty() &&
      std::find(policy.allowed_aaguids.begin(), policy.allowed_aaguids.end(), aaguid) == policy.allowed_aaguids.end())
    return refuse(refusal::aaguid_not_allowed);
  return {};
}

result<void> check_options(const relying_party& rp, const registration_options& options) {
  if (rp.id.empty() || rp.origins.empty() || options.algorithms.empty() ||
      options.challenge.size() < min_challenge_bytes)
    return refuse(refusal::invalid_options, "RP ID, origins, algorithms and a 16-byte challenge are required");
  return {};
}

result<void> check_credential(const registration_options& options, const registration_response& response,
                              const authenticator_data& data) {
  if (!data.credential) return refuse(refusal::missing_attested_credential);
  if (response.raw_id != data.credential->id) return refuse(refusal::credential_id_mismatch);
  const auto& offered = options.algorithms;
  if (std::find(offered.begin(), offered.end(), data.credential->key.alg) == offered.end())
    return refuse(refusal::algorithm_not_offered);
  return {};
}

registered_credential make_record(const attestation_object& obj, authenticator_data& data,
                                  const verified_statement& statement) {
  registered_credential out;
  auto& cred = *data.credential;
  out.id = std::move(cred.id);
  out.alg = cred.key.alg;
  out.public_key = std::move(cred.key.spki);
  out.sign_count = data.sign_count;
  out.aaguid = std::move(cred.aaguid);
  out.user_verified = data.has(flag::user_verified);
  out.backup_eligible = data.has(flag::backup_eligible);
  out.backup_state = data.has(flag::backup_state);
  out.attestation_format = obj.fmt;
  out.attestation = statement.type;
  return out;
}

}  // namespace

result<registered_credential> verify_registration(const relying_party& rp, const registration_options& options,
                                                  const attestation_policy& policy,
                                                  const registration_response& response) {
  if (auto r = check_options(rp, options); !r) return r.err();
  if (response.raw_id.size() > max_credential_id_bytes) return refuse(refusal::credential_id_too_long, "rawId");
  const client_data_expectation expected{ceremony::create, options.challenge, rp.origins};
  if (auto r = check_client_data(response.client_data_json, expected); !r) return r.err();
  auto obj = parse_attestation_object(response.attestation_object);
  if (!obj) return obj.err();
  auto data = parse_authenticator_data(obj->auth_data);
  if (!data) return data.err();
  if (auto r = check_authenticator_data(*data, rp.id, options.uv); !r) return r.err();
  if (auto r = check_credential(options, response, *data); !r) return r.err();
  auto cred = prepare_cred(rp, options, response, *obj, *data);
  if (!cred) return cred.err();
  if (auto r = same_key_as_libfido2(cred->get(), data->credential->key); !r) return r.err();
  auto statement = verify_statement(*obj, *data, cred->get());
  if (!statement) return statement.err();
  if (auto r = apply_policy(policy, *statement, data->credential->aaguid); !r) return r.err();
  return make_record(*obj, *data, *statement);
}

}  // namespace sekisho::webauthn
