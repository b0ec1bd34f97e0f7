#include "core/webauthn/attestation_statement.hpp"

#include <algorithm>
#include <initializer_list>

#include "core/webauthn/attestation_certificate.hpp"
#include "core/webauthn/cbor.hpp"
#include "core/webauthn/refusal.hpp"

namespace sekisho::webauthn {
namespace {

constexpr std::size_t max_certificates = 8;
constexpr std::int64_t cose_rs1 = -65535;  // RSASSA-PKCS1-v1_5 with SHA-1, what TPMs sign certInfo with

result<verified_statement> malformed(std::string_view why) {
  return refuse(refusal::attestation_statement_malformed, why);
}

// attStmt holds only members from `allowed` and has every member of `required`.
bool members_are(const cbor_item_t* stmt, std::initializer_list<std::string_view> allowed,
                 std::initializer_list<std::string_view> required) {
  if (!cbor::is_plain_map(stmt, allowed.size())) return false;
  const cbor_pair* pairs = cbor_map_handle(stmt);
  for (std::size_t i = 0; i < cbor_map_size(stmt); ++i) {
    const auto key = cbor::text(pairs[i].key);
    if (!key || std::find(allowed.begin(), allowed.end(), *key) == allowed.end()) return false;
  }
  return std::all_of(required.begin(), required.end(), [&](std::string_view k) { return cbor::find(stmt, k); });
}

// x5c: a definite array of 1 … max_certificates non-empty byte strings.
std::optional<std::vector<std::string>> certificates(const cbor_item_t* x5c) {
  if (x5c == nullptr || !cbor_isa_array(x5c) || !cbor_array_is_definite(x5c)) return std::nullopt;
  const std::size_t n = cbor_array_size(x5c);
  if (n == 0 || n > max_certificates) return std::nullopt;
  std::vector<std::string> out;
  cbor_item_t** items = cbor_array_handle(x5c);
  for (std::size_t i = 0; i < n; ++i) {
    const auto der = cbor::bytes(items[i]);
    if (!der || der->empty()) return std::nullopt;
    out.emplace_back(*der);
  }
  return out;
}

// Hands attStmt to libfido2 and runs its signature check (x5c[0]'s key, or the credential's own for self).
result<void> fido_verify(fido_cred_t* cred, const attestation_object& obj, bool self) {
  const std::string stmt = cbor::serialize(obj.statement.get());
  if (stmt.empty() || fido_cred_set_fmt(cred, obj.fmt.c_str()) != FIDO_OK ||
      fido_cred_set_attstmt(cred, reinterpret_cast<const unsigned char*>(stmt.data()), stmt.size()) != FIDO_OK)
    return refuse(refusal::attestation_statement_malformed, "libfido2 refused attStmt");
  const int r = self ? fido_cred_verify_self(cred) : fido_cred_verify(cred);
  if (r == FIDO_OK) return {};
  if (r == FIDO_ERR_INVALID_SIG) return refuse(refusal::attestation_signature_invalid);
  return refuse(refusal::attestation_statement_malformed, std::string("libfido2: ") + fido_strerr(r));
}

result<verified_statement> verify_none(const attestation_object& obj) {
  // §8.7: attStmt is the empty map; anything in it is a statement we would be ignoring.
  if (cbor_map_size(obj.statement.get()) != 0) return malformed("none with a non-empty attStmt");
  return verified_statement{attestation_type::none, {}};
}

result<verified_statement> verify_packed(const attestation_object& obj, const authenticator_data& data,
                                         fido_cred_t* cred) {
  const cbor_item_t* stmt = obj.statement.get();
  if (!members_are(stmt, {"alg", "sig", "x5c"}, {"alg", "sig"})) return malformed("packed needs alg, sig, [x5c]");
  const auto alg = cbor::integer(cbor::find(stmt, "alg"));
  const auto sig = cbor::bytes(cbor::find(stmt, "sig"));
  if (!alg || !sig || sig->empty()) return malformed("packed alg or sig mistyped");
  const cbor_item_t* x5c_item = cbor::find(stmt, "x5c");
  if (x5c_item == nullptr) {
    // Self attestation: libfido2 does not compare attStmt.alg with the credential's (LF-F-05).
    if (*alg != static_cast<int>(data.credential->key.alg)) return malformed("self attestation alg differs from the key's");
    if (auto r = fido_verify(cred, obj, true); !r) return r.err();
    return verified_statement{attestation_type::self, {}};
  }
  auto x5c = certificates(x5c_item);
  if (!x5c) return malformed("packed x5c is not an array of certificates");
  const bool known = *alg == static_cast<int>(cose_alg::es256) || *alg == static_cast<int>(cose_alg::es384) ||
                     *alg == static_cast<int>(cose_alg::rs256) || *alg == static_cast<int>(cose_alg::eddsa);
  if (!known) return refuse(refusal::unsupported_attestation_algorithm, "packed alg " + std::to_string(*alg));
  if (auto r = check_packed_certificate(x5c->front(), data.credential->aaguid); !r) return r.err();
  if (auto r = fido_verify(cred, obj, false); !r) return r.err();
  return verified_statement{attestation_type::basic, std::move(*x5c)};
}

result<verified_statement> verify_u2f(const attestation_object& obj, const authenticator_data& data,
                                      fido_cred_t* cred) {
  const cbor_item_t* stmt = obj.statement.get();
  if (!members_are(stmt, {"sig", "x5c"}, {"sig", "x5c"})) return malformed("fido-u2f needs sig and x5c");
  auto x5c = certificates(cbor::find(stmt, "x5c"));
  const auto sig = cbor::bytes(cbor::find(stmt, "sig"));
  if (!x5c || x5c->size() != 1 || !sig || sig->empty()) return malformed("fido-u2f needs one certificate and a sig");
  // The U2F message carries the key as a raw P-256 point (§8.6 step 4).
  if (data.credential->key.alg != cose_alg::es256) return malformed("fido-u2f with a key other than ES256");
  if (auto r = check_u2f_certificate(x5c->front()); !r) return r.err();
  if (auto r = fido_verify(cred, obj, false); !r) return r.err();
  return verified_statement{attestation_type::basic, std::move(*x5c)};
}

result<verified_statement> verify_tpm(const attestation_object& obj, const authenticator_data& data,
                                      fido_cred_t* cred) {
  const cbor_item_t* stmt = obj.statement.get();
  const std::initializer_list<std::string_view> members = {"ver", "alg", "x5c", "sig", "certInfo", "pubArea"};
  if (!members_are(stmt, members, members)) return malformed("tpm needs ver, alg, x5c, sig, certInfo, pubArea");
  if (cbor::text(cbor::find(stmt, "ver")) != "2.0") return malformed("tpm ver is not 2.0");
  auto x5c = certificates(cbor::find(stmt, "x5c"));
  const auto alg = cbor::integer(cbor::find(stmt, "alg"));
  if (!x5c || !alg) return malformed("tpm x5c or alg mistyped");
  // libfido2 1.12 verifies certInfo signed with RS1 only, for ES256 and RS256 credentials (LF-F-07, LF-P-11).
  const auto key_alg = data.credential->key.alg;
  if (*alg != cose_rs1 || (key_alg != cose_alg::es256 && key_alg != cose_alg::rs256))
    return refuse(refusal::unsupported_attestation_algorithm, "tpm alg " + std::to_string(*alg));
  if (auto r = check_tpm_certificate(x5c->front(), data.credential->aaguid); !r) return r.err();
  if (auto r = fido_verify(cred, obj, false); !r) return r.err();
  return verified_statement{attestation_type::basic, std::move(*x5c)};
}

}  // namespace

std::string_view to_string(attestation_type t) {
  switch (t) {
    case attestation_type::none: return "none";
    case attestation_type::self: return "self";
    case attestation_type::basic: return "basic";
    case attestation_type::trusted: return "trusted";
  }
  return "none";
}

result<verified_statement> verify_statement(const attestation_object& obj, const authenticator_data& data,
                                            fido_cred_t* cred) {
  if (!data.credential) return refuse(refusal::missing_attested_credential);
  if (obj.fmt == "none") return verify_none(obj);
  if (obj.fmt == "packed") return verify_packed(obj, data, cred);
  if (obj.fmt == "fido-u2f") return verify_u2f(obj, data, cred);
  if (obj.fmt == "tpm") return verify_tpm(obj, data, cred);
  // fmt came from the client and goes to the audit log: printable ASCII only.
  std::string shown = obj.fmt;
  for (char& c : shown)
    if (c < 0x21 || c > 0x7E) c = '?';
  return refuse(refusal::unsupported_attestation_format, shown);
}

}  // namespace sekisho::webauthn
