// Whole ceremonies from the software authenticator: a registration with packed self attestation and
// signed assertions, for tests that change one thing and expect one refusal.
#pragma once
#include <string>

#include "core/util/digest.hpp"
#include "core/util/encoding.hpp"
#include "core/webauthn/assertion.hpp"
#include "core/webauthn/registration.hpp"
#include "tests/unit/core/webauthn/soft_authenticator.hpp"

namespace soft {

namespace wa = sekisho::webauthn;

inline const std::string challenge(32, '\x07');
inline const std::string challenge_b64 = sekisho::base64url_encode(challenge);
inline const std::string credential_id = "credential-0001";

inline wa::relying_party example_rp() { return {"example.org", {"https://example.org"}}; }

// authData of a new credential for `k`: UP, UV and AT set.
inline auth_data new_credential(const key_pair& k) {
  auth_data ad;
  ad.flags = flag::user_present | flag::user_verified | flag::attested_credential;
  ad.credential_id = credential_id;
  ad.cose_key = k.cose();
  return ad;
}

struct registration {
  std::string raw_id = credential_id;
  std::string client_data_json;
  std::string attestation_object;
  wa::registration_response response() const { return {raw_id, client_data_json, attestation_object}; }
};

// Packed self attestation: the credential key signs authData ‖ SHA-256(clientDataJSON) (§8.2).
inline registration packed_self(const key_pair& k, const std::string& ad,
                                const std::string& cdj = client_data("webauthn.create", challenge_b64)) {
  const std::string statement =
      map({{text("alg"), integer(static_cast<int>(k.alg))}, {text("sig"), bytes(k.sign(ad + sekisho::sha256(cdj)))}});
  return registration{credential_id, cdj, attestation_object("packed", statement, ad)};
}

// Packed basic attestation: `att` (an attestation certificate's key) signs, x5c carries the chain.
inline registration packed_x5c(const key_pair& att, const std::vector<std::string>& x5c, const std::string& ad) {
  const std::string cdj = client_data("webauthn.create", challenge_b64);
  std::vector<std::string> certs;
  for (const auto& c : x5c) certs.push_back(bytes(c));
  const std::string statement = map({{text("alg"), integer(static_cast<int>(att.alg))},
                                     {text("sig"), bytes(att.sign(ad + sekisho::sha256(cdj)))},
                                     {text("x5c"), array(certs)}});
  return registration{credential_id, cdj, attestation_object("packed", statement, ad)};
}

struct assertion {
  std::string raw_id = credential_id;
  std::string client_data_json;
  std::string authenticator_data;
  std::string signature;
  wa::assertion_response response() const { return {raw_id, client_data_json, authenticator_data, signature}; }
};

// An assertion signed by `k` over `ad` (UP and UV set by default).
inline assertion sign(const key_pair& k, const auth_data& ad = auth_data{},
                      const std::string& cdj = client_data("webauthn.get", challenge_b64)) {
  const std::string raw = ad.encode();
  return assertion{credential_id, cdj, raw, k.sign(raw + sekisho::sha256(cdj))};
}

inline wa::stored_credential stored(const key_pair& k, const std::string& spki, std::uint32_t count = 0,
                                    bool backup_eligible = false) {
  return wa::stored_credential{credential_id, k.alg, spki, count, backup_eligible};
}

}  // namespace soft
