// Arbitrary bytes as a WebAuthn registration followed by an assertion, judged as authd will judge
// them: every parser on every piece, then verify_registration and verify_assertion. Nothing may crash,
// leak or throw; an accepted registration or assertion must also satisfy the checks below, or we abort.
//
// Input: flags (1 byte), then six pieces each prefixed by a big-endian u16 length, then the signature:
//   registration challenge, registration clientDataJSON, attestationObject,
//   assertion challenge, assertion clientDataJSON, authenticatorData, signature (the rest).
// The seeds in corpus/webauthn_fuzz/ are the W3C §16 vectors in this form.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/digest.hpp"
#include "core/webauthn/assertion.hpp"
#include "core/webauthn/attestation_object.hpp"
#include "core/webauthn/authenticator_data.hpp"
#include "core/webauthn/client_data.hpp"
#include "core/webauthn/public_key.hpp"
#include "core/webauthn/registration.hpp"

namespace {

using namespace sekisho::webauthn;

void check(bool ok) {
  if (!ok) std::abort();
}

std::optional<std::string_view> take(std::string_view& in) {
  if (in.size() < 2) return std::nullopt;
  const std::size_t n = static_cast<unsigned char>(in[0]) << 8 | static_cast<unsigned char>(in[1]);
  if (in.size() - 2 < n) return std::nullopt;
  const auto out = in.substr(2, n);
  in.remove_prefix(2 + n);
  return out;
}

const relying_party rp{"example.org", {"https://example.org"}};

// The parsers alone, on whatever the pieces are.
void parse_everything(std::string_view challenge, std::string_view client_data, std::string_view object,
                      std::string_view auth_data) {
  const client_data_expectation expected{ceremony::create, challenge, rp.origins};
  (void)check_client_data(client_data, expected).ok();
  if (auto obj = parse_attestation_object(object)) (void)parse_authenticator_data(obj->auth_data).ok();
  if (auto data = parse_authenticator_data(auth_data)) {
    (void)check_authenticator_data(*data, rp.id, user_verification::required).ok();
    if (data->credential) check(data->credential->id.size() <= max_credential_id_bytes && !data->credential->id.empty());
  }
}

// What an accepted registration promises authd.
void check_record(const registered_credential& c, std::string_view object, bool uv_required) {
  auto obj = parse_attestation_object(object);
  check(obj.ok());
  auto data = parse_authenticator_data(obj->auth_data);
  check(data.ok() && data->credential && data->credential->id == c.id);
  check(data->rp_id_hash == sekisho::sha256(rp.id) && data->has(flag::user_present));
  check(!uv_required || c.user_verified);
  check(!c.backup_state || c.backup_eligible);
  check(raw_public_key(c.alg, c.public_key).has_value());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(bytes), size);
  if (in.empty()) return 0;
  const auto flags = static_cast<std::uint8_t>(in[0]);
  in.remove_prefix(1);
  std::optional<std::string_view> piece[6];
  for (auto& p : piece) p = take(in);
  if (!piece[5]) return 0;
  const std::string_view signature = in;
  parse_everything(*piece[0], *piece[1], *piece[2], *piece[5]);

  const bool uv_required = (flags & 1) != 0;
  const auto uv = uv_required ? user_verification::required : user_verification::preferred;
  attestation_policy policy;
  if ((flags & 2) != 0) policy.allowed_aaguids.emplace_back(16, '\0');  // with no roots: must refuse
  // The credential in the attestation's authData: its id is the rawId (unless flag 4 makes them differ),
  // and if the registration is refused its key still lets us exercise the assertion.
  std::optional<registered_credential> record;
  if (auto obj = parse_attestation_object(*piece[2])) {
    if (auto data = parse_authenticator_data(obj->auth_data); data && data->credential) {
      record.emplace();
      record->id = data->credential->id;
      record->alg = data->credential->key.alg;
      record->public_key = data->credential->key.spki;
      record->backup_eligible = data->has(flag::backup_eligible);
    }
  }
  const std::string raw_id = record && (flags & 4) == 0 ? record->id : std::string("x");
  auto reg = verify_registration(rp, {*piece[0], default_algorithms, uv}, policy, {raw_id, *piece[1], *piece[2]});
  check(!reg.ok() || (policy.allowed_aaguids.empty() && (flags & 4) == 0));
  if (reg) {
    check_record(*reg, *piece[2], uv_required);
    check(reg->public_key == record->public_key);
    record = std::move(*reg);
  }
  if (!record) return 0;
  const std::uint32_t stored_count = (flags & 8) != 0 ? 5 : 0;
  const stored_credential stored{record->id, record->alg, record->public_key, stored_count, record->backup_eligible};
  auto a = verify_assertion(rp, {*piece[3], uv}, stored, {record->id, *piece[4], *piece[5], signature});
  if (a) {
    check(stored_count == 0 ? true : a->sign_count > stored_count);
    check(!uv_required || a->user_verified);
  }
  return 0;
}
