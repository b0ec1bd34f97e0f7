#include "core/webauthn/authenticator_data.hpp"

#include "core/util/digest.hpp"
#include "core/util/secret.hpp"
#include "core/webauthn/refusal.hpp"

namespace sekisho::webauthn {
namespace {

constexpr std::size_t aaguid_bytes = 16;
constexpr int max_cose_depth = 2;       // a map of scalars; one spare level for unknown members
constexpr int max_extension_depth = 4;  // extension outputs are small structures
constexpr std::size_t max_extensions = 16;

// A cursor over untrusted bytes: every read says whether the bytes were there.
class reader {
 public:
  explicit reader(std::string_view in) : in_(in) {}
  std::optional<std::string_view> take(std::size_t n) {
    if (in_.size() < n) return std::nullopt;
    auto out = in_.substr(0, n);
    in_.remove_prefix(n);
    return out;
  }
  std::string_view rest() const { return in_; }
  void skip(std::size_t n) { in_.remove_prefix(n); }

 private:
  std::string_view in_;
};

std::uint32_t big_endian(std::string_view b) {
  std::uint32_t v = 0;
  for (unsigned char c : b) v = v << 8 | c;
  return v;
}

result<attested_credential> read_attested_credential(reader& in) {
  const auto aaguid = in.take(aaguid_bytes);
  const auto id_length = in.take(2);
  if (!aaguid || !id_length) return refuse(refusal::authenticator_data_malformed, "truncated credential data");
  const std::size_t n = big_endian(*id_length);
  if (n > max_credential_id_bytes) return refuse(refusal::credential_id_too_long);
  const auto id = in.take(n);
  if (!id || n == 0) return refuse(refusal::authenticator_data_malformed, "credential id missing or empty");
  std::size_t used = 0;
  auto cose = cbor::load_prefix(in.rest(), max_cose_depth, used);
  if (!cose) return refuse(refusal::authenticator_data_malformed, "credential public key is not CBOR");
  in.skip(used);
  auto key = parse_cose_key(cose.get());
  if (!key) return key.err();
  return attested_credential{std::string(*aaguid), std::string(*id), std::move(*key)};
}

}  // namespace

result<authenticator_data> parse_authenticator_data(std::string_view raw) {
  if (raw.size() > max_authenticator_data_bytes) return refuse(refusal::input_too_large, "authenticatorData");
  reader in(raw);
  const auto rp_id_hash = in.take(32);
  const auto flags = in.take(1);
  const auto count = in.take(4);
  if (!rp_id_hash || !flags || !count) return refuse(refusal::authenticator_data_malformed, "shorter than 37 bytes");
  authenticator_data out;
  out.rp_id_hash = std::string(*rp_id_hash);
  out.flags = static_cast<std::uint8_t>((*flags)[0]);
  out.sign_count = big_endian(*count);
  if (out.has(flag::attested_credential)) {
    auto cred = read_attested_credential(in);
    if (!cred) return cred.err();
    out.credential = std::move(*cred);
  }
  if (out.has(flag::extension_data)) {
    std::size_t used = 0;
    out.extensions = cbor::load_prefix(in.rest(), max_extension_depth, used);
    if (!out.extensions || !cbor::is_plain_map(out.extensions.get(), max_extensions))
      return refuse(refusal::authenticator_data_malformed, "extensions are not a CBOR map");
    in.skip(used);
  }
  if (!in.rest().empty()) return refuse(refusal::authenticator_data_malformed, "trailing bytes");
  return out;
}

result<void> check_authenticator_data(const authenticator_data& data, std::string_view rp_id, user_verification uv) {
  if (!equal_constant_time(data.rp_id_hash, sha256(rp_id))) return refuse(refusal::wrong_rp_id);
  if (!data.has(flag::user_present)) return refuse(refusal::user_not_present);
  if (uv == user_verification::required && !data.has(flag::user_verified)) return refuse(refusal::user_not_verified);
  if (data.has(flag::backup_state) && !data.has(flag::backup_eligible))
    return refuse(refusal::backup_state_inconsistent);
  return {};
}

}  // namespace sekisho::webauthn
