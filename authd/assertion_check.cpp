#include "authd/assertion_check.hpp"

#include <algorithm>

#include "authd/log.hpp"
#include "core/store/user_store.hpp"
#include "core/store/webauthn_store.hpp"
#include "core/util/encoding.hpp"
#include "core/util/secret.hpp"

namespace sekisho::authd {
namespace {

using nlohmann::json;

constexpr std::size_t max_id_field = 1400;                // a 1023-byte credential id
constexpr std::size_t max_client_data_field = 16 * 1024;  // a few hundred bytes in practice
constexpr std::size_t max_auth_data_field = 11 * 1024;    // 8 KiB of authenticatorData
constexpr std::size_t max_signature_field = 700;          // 512 bytes
constexpr std::size_t max_user_handle_field = 100;        // 64 bytes

// nullptr when every field decodes, else the name of the first that does not.
const char* decode(const request_fields& f, assertion_input& in) {
  const std::pair<const char*, std::string*> fields[] = {{"credential_id", &in.credential_id},
                                                         {"client_data_json", &in.client_data_json},
                                                         {"authenticator_data", &in.authenticator_data},
                                                         {"signature", &in.signature},
                                                         {"user_handle", &in.user_handle}};
  for (const auto& [name, out] : fields) {
    auto bytes = base64url_decode(f[name]);
    if (!bytes) return name;
    *out = std::move(*bytes);
  }
  return nullptr;
}

// A counter that did not move forward: the key may have been copied (§6.1.1). Refused, the credential
// locked (WA-A-17: neither copy logs in again), and raised as a warning of its own in the trail and in
// authd's log, naming the credential.
void warn_cloned(const webauthn_services& svc, store::database& db, const login::context& ctx,
                 std::string_view user, const store::webauthn_row& row, std::string_view detail) {
  const auto id = base64url_encode(row.credential_id);
  store::lock_webauthn_credential(db, row.id, svc.now());
  svc.auth.audit(db, "webauthn.cloned", user, ctx, "webauthn", "warning", "possibly_cloned",
                 {{"credential", id}, {"name", row.name}, {"counter", detail}, {"action", "locked"}});
  log_line("WARNING: security key '" + id + "' of " + std::string(user) +
           " may be cloned (its signature counter did not increase); the login was refused and the key locked");
}

}  // namespace

const char* read_assertion(const json& req, std::initializer_list<field_rule> owner, request_fields& f,
                           assertion_input& in, bool user_handle_required, bool channel_required) {
  if (auto bad = read_login_request(req, owner, f, channel_required)) return bad;
  if (auto bad = f.read(req, {{"handle", 128},
                              {"credential_id", max_id_field},
                              {"client_data_json", max_client_data_field},
                              {"authenticator_data", max_auth_data_field},
                              {"signature", max_signature_field},
                              {"user_handle", max_user_handle_field, user_handle_required}}))
    return bad;
  return decode(f, in);
}

// One assertion against the user's stored credential (WA-A-02…A-19); spends the counter on success.
login::factor_check check_assertion(const webauthn_services& svc, store::database& db, std::int64_t now,
                                    const pending_logins::entry& who, const webauthn_challenges::entry& challenge,
                                    const assertion_input& in, const login::context& ctx,
                                    webauthn::user_verification uv) {
  login::factor_check c;
  c.method = "webauthn";
  c.credential = base64url_encode(in.credential_id);
  const auto row = store::find_webauthn_credential(db, in.credential_id);
  if (!row || row->user_id != who.user_id) {
    c.reason = "unknown_credential";
    return c;
  }
  if (row->locked_at) {
    c.reason = "credential_locked";
    return c;
  }
  const auto& allowed = challenge.allowed;
  if (std::find(allowed.begin(), allowed.end(), in.credential_id) == allowed.end()) {
    c.reason = "credential_not_offered";
    return c;
  }
  if (!in.user_handle.empty()) {
    const auto user = store::find_user_by_id(db, who.user_id);
    if (!user || !equal_constant_time(user->user_handle, in.user_handle)) {
      c.reason = "wrong_user_handle";
      return c;
    }
  }
  const webauthn::stored_credential stored{row->credential_id, static_cast<webauthn::cose_alg>(row->cose_alg),
                                           row->public_key, static_cast<std::uint32_t>(row->sign_count),
                                           row->backup_eligible};
  auto v = webauthn::verify_assertion(svc.settings.rp, {challenge.challenge, uv}, stored,
                                      {in.credential_id, in.client_data_json, in.authenticator_data, in.signature});
  if (!v) {
    const auto why = webauthn::reason_of(v.err());
    c.reason = webauthn::to_string(why);
    if (why == webauthn::refusal::possibly_cloned) {
      const auto& m = v.err().message;  // "possibly_cloned: stored N, received M"
      const auto colon = m.find(": ");
      warn_cloned(svc, db, ctx, who.user, *row, colon == std::string::npos ? std::string() : m.substr(colon + 2));
    }
    return c;
  }
  // The same rule again, atomically against the stored value: a concurrent login with this key may
  // have moved the counter since it was read.
  if (!store::record_webauthn_use(db, row->id, v->sign_count, v->backup_state, v->user_verified, now)) {
    c.reason = "possibly_cloned";
    warn_cloned(svc, db, ctx, who.user, *row, "received " + std::to_string(v->sign_count) + ", not above the stored count");
    return c;
  }
  c.ok = true;
  c.reason = "assertion_ok";
  return c;
}

}  // namespace sekisho::authd
