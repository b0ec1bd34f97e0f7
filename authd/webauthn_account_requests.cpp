// The account page's WebAuthn requests: register a security key (begin, finish), list, rename, remove.
// Changes need a fresh two-factor session; each change is one transaction with its audit record.
#include <string>
#include <vector>

#include "authd/request_fields.hpp"
#include "authd/webauthn_requests.hpp"
#include "core/store/factor_store.hpp"
#include "core/store/user_store.hpp"
#include "core/store/webauthn_store.hpp"
#include "core/util/encoding.hpp"
#include "core/util/utf8.hpp"
#include "core/webauthn/attestation_object.hpp"
#include "core/webauthn/authenticator_data.hpp"

namespace sekisho::authd {
namespace {

using nlohmann::json;
using ceremony = webauthn_challenges::ceremony;

constexpr std::size_t max_name_chars = 64;
// base64url of the largest values a browser sends: a 1023-byte credential id, a 47 KiB attestation
// object (what fits in a frame; real ones are a few KiB), a client data object of a few KiB.
constexpr std::size_t max_id_field = 1400;
constexpr std::size_t max_client_data_field = 16 * 1024;
constexpr std::size_t max_attestation_field = 63 * 1024;


// The contract's register.finish carries no rawId: the credential id is then the one in authData,
// which verify_registration compares with itself (WA-R-24 holds trivially). "" when unparsable: the
// verification then refuses the same input with the precise reason.
std::string credential_id_in(std::string_view attestation_object) {
  auto obj = webauthn::parse_attestation_object(attestation_object);
  if (!obj) return {};
  auto data = webauthn::parse_authenticator_data(obj->auth_data);
  return data && data->credential ? data->credential->id : std::string();
}

// The credential record (L3 §7.1 step 27) of a verified registration.
store::webauthn_row record_of(const webauthn::registered_credential& c, std::int64_t user_id, const std::string& name,
                              std::int64_t now) {
  store::webauthn_row row;
  row.user_id = user_id;
  row.credential_id = c.id;
  row.public_key = c.public_key;
  row.cose_alg = static_cast<int>(c.alg);
  row.sign_count = c.sign_count;
  row.aaguid = c.aaguid;
  row.backup_eligible = c.backup_eligible;
  row.backup_state = c.backup_state;
  row.uv_initialized = c.user_verified;
  row.attestation_format = c.attestation_format;
  row.name = name;
  row.created_at = now;
  return row;
}

json credential_json(const store::webauthn_row& r) {
  return {{"id", base64url_encode(r.credential_id)},
          {"name", r.name},
          {"created_at", r.created_at},
          {"last_used_at", r.last_used_at ? json(*r.last_used_at) : json(nullptr)},
          {"backup_eligible", r.backup_eligible}};
}

json register_begin(const webauthn_services& svc, const json& req) {
  request_fields f;
  if (auto bad = read_login_request(req, {{"session", 128}}, f)) return bad_field(bad);
  const auto now = svc.now();
  auto s = svc.sessions.check(f["session"]);
  if (!s) return no_session_reply();
  if (!session::recently_authenticated(*s, now)) return result_reply("reauthenticate");
  auto reply = registration_begin_reply(svc, f["session"], s->user_id, now);
  return reply.is_null() ? no_session_reply() : reply;
}

json register_finish(const webauthn_services& svc, const json& req) {
  request_fields f;
  registration_answer answer;
  if (auto bad = read_registration(req, {{"session", 128}}, f, answer)) return bad_field(bad);
  const auto now = svc.now();
  // Spent here, whatever follows (WA-R-04).
  const auto challenge = svc.challenges.take(f["handle"], ceremony::registration, f["session"], now);
  auto s = svc.sessions.check(f["session"]);
  if (!s) return no_session_reply();
  if (!session::recently_authenticated(*s, now)) return result_reply("reauthenticate");
  if (!challenge || challenge->user_id != s->user_id) return result_reply("expired");

  auto db = svc.pool.acquire();
  store::transaction tx(*db);
  const auto refusal = store_registration(svc, *db, s->user_id, s->user, challenge->challenge, answer, context_of(f));
  tx.commit();
  if (!refusal.empty()) return refused_reply(refusal);
  return {{"ok", true}, {"result", "ok"}, {"credential", {{"id", answer.id_text}, {"name", answer.name}}}};
}

json list_credentials(const webauthn_services& svc, const json& req) {
  request_fields f;
  if (auto bad = f.read(req, {{"session", 128}})) return bad_field(bad);
  auto s = svc.sessions.check(f["session"]);
  if (!s) return no_session_reply();
  auto db = svc.pool.acquire();
  json list = json::array();
  for (const auto& r : store::webauthn_for_user(*db, s->user_id)) list.push_back(credential_json(r));
  return {{"ok", true}, {"credentials", list}};
}

// webauthn.rename and webauthn.remove: a fresh session and one of the user's own credentials.
json change_credential(const webauthn_services& svc, const json& req, bool remove) {
  request_fields f;
  if (auto bad = read_login_request(req, {{"session", 128}, {"id", max_id_field}}, f, false)) return bad_field(bad);
  if (!remove && (f.read(req, {{"name", 256}}) != nullptr || !printable_label(f["name"], max_name_chars)))
    return bad_field("name");
  const auto id = base64url_decode(f["id"]);
  if (!id) return bad_field("id");
  auto s = svc.sessions.check(f["session"]);
  if (!s) return no_session_reply();
  if (!session::recently_authenticated(*s, svc.now())) return result_reply("reauthenticate");

  auto ctx = context_of(f);
  if (ctx.channel.empty()) ctx.channel = "web";
  const std::string_view event = remove ? "webauthn.remove" : "webauthn.rename";
  auto db = svc.pool.acquire();
  store::transaction tx(*db);
  const auto row = store::find_webauthn_credential(*db, *id);
  if (!row || row->user_id != s->user_id) return result_reply("not_found");
  const login::audit_fields fields = {{"credential", f["id"]}, {"name", row->name}, {"new_name", f["name"]}};
  // The last second factor stays: without it the user could not log in at all (recovery codes are a
  // fallback, not a factor to enroll with).
  if (remove && store::count_second_factors(*db, s->user_id) <= 1) {
    svc.auth.audit(*db, event, s->user, ctx, "webauthn", "refused", "last_factor", fields);
    tx.commit();
    return result_reply("last_factor");
  }
  if (remove) store::delete_webauthn_credential(*db, s->user_id, *id);
  else store::rename_webauthn_credential(*db, s->user_id, *id, f["name"]);
  svc.auth.audit(*db, event, s->user, ctx, "webauthn", "success", remove ? "removed" : "renamed", fields);
  tx.commit();
  return result_reply("ok");
}

}  // namespace

json registration_begin_reply(const webauthn_services& svc, std::string_view owner, std::int64_t user_id,
                              std::int64_t now) {
  if (svc.settings.rp.origins.empty()) return error_reply("unavailable");  // logged at start
  std::optional<store::user_row> user;
  std::vector<store::webauthn_row> credentials;
  {
    auto db = svc.pool.acquire();
    user = store::find_user_by_id(*db, user_id);
    credentials = store::webauthn_for_user(*db, user_id);
  }
  if (!user) return nullptr;
  json exclude = json::array();
  for (const auto& c : credentials) exclude.push_back(base64url_encode(c.credential_id));
  json algorithms = json::array();
  for (auto a : webauthn::default_algorithms) algorithms.push_back(static_cast<int>(a));
  const auto issued = svc.challenges.issue(ceremony::registration, owner, user_id, {}, now);
  return challenge_reply(svc, issued,
                         {{"rp_name", svc.settings.rp_name},
                          {"user",
                           {{"id", base64url_encode(user->user_handle)},
                            {"name", user->name},
                            {"display_name", user->display_name.empty() ? user->name : user->display_name}}},
                          {"algorithms", algorithms},
                          {"exclude", exclude},
                          {"attestation", svc.settings.attestation_required ? "direct" : "none"},
                          {"resident_key", "preferred"}});
}

const char* read_registration(const json& req, std::initializer_list<field_rule> owner, request_fields& f,
                              registration_answer& out) {
  if (auto bad = read_login_request(req, owner, f)) return bad;
  if (auto bad = f.read(req, {{"handle", 128},
                              {"client_data_json", max_client_data_field},
                              {"attestation_object", max_attestation_field},
                              {"name", 256},
                              {"raw_id", max_id_field, false}}))
    return bad;
  if (!printable_label(f["name"], max_name_chars)) return "name";
  auto cdj = base64url_decode(f["client_data_json"]);
  if (!cdj) return "client_data_json";
  auto attestation = base64url_decode(f["attestation_object"]);
  if (!attestation) return "attestation_object";
  auto raw_id = f["raw_id"].empty() ? std::optional(credential_id_in(*attestation)) : base64url_decode(f["raw_id"]);
  if (!raw_id) return "raw_id";
  out.raw_id = std::move(*raw_id);
  out.client_data_json = std::move(*cdj);
  out.attestation_object = std::move(*attestation);
  out.name = f["name"];
  return nullptr;
}

std::string store_registration(const webauthn_services& svc, store::database& db, std::int64_t user_id,
                               const std::string& user, const std::string& challenge, registration_answer& answer,
                               const login::context& ctx) {
  const webauthn::registration_options options{challenge, webauthn::default_algorithms, svc.settings.uv};
  auto cred = webauthn::verify_registration(svc.settings.rp, options, svc.settings.policy,
                                            {answer.raw_id, answer.client_data_json, answer.attestation_object});
  answer.id_text = cred ? base64url_encode(cred->id) : std::string();
  std::string refusal;
  if (!cred) refusal = webauthn::to_string(webauthn::reason_of(cred.err()));
  // WA-R-23: a credential id belongs to one account; the existing record stays untouched.
  else if (store::find_webauthn_credential(db, cred->id)) refusal = "credential_already_registered";
  else if (store::count_webauthn_for_user(db, user_id) >= max_webauthn_credentials_per_user)
    refusal = "too_many_credentials";
  if (!refusal.empty()) {
    svc.auth.audit(db, "webauthn.register", user, ctx, "webauthn", "failure", refusal,
                   {{"credential", answer.id_text}, {"name", answer.name}});
    return refusal;
  }
  const auto row = record_of(*cred, user_id, answer.name, svc.now());
  store::insert_webauthn_credential(db, row);
  svc.auth.audit(db, "webauthn.register", user, ctx, "webauthn", "success", "registered",
                 {{"credential", answer.id_text},
                  {"name", row.name},
                  {"attestation", webauthn::to_string(cred->attestation)},
                  {"format", cred->attestation_format}});
  return "";
}

void register_webauthn_account_requests(request_table& table, const webauthn_services& svc) {
  auto add = [&](const char* op, std::size_t max_bytes, json (*handler)(const webauthn_services&, const json&)) {
    table.add({op, permission::client, max_bytes,
               [svc, handler](const json& req, const caller&) { return handler(svc, req); }});
  };
  add("webauthn.register.begin", 1024, register_begin);
  // The whole frame: an attestation object with a certificate chain is the largest thing authd receives.
  add("webauthn.register.finish", 64 * 1024, register_finish);
  add("webauthn.credentials", 512, list_credentials);
  add("webauthn.rename", 4096, [](const webauthn_services& s, const json& r) { return change_credential(s, r, false); });
  add("webauthn.remove", 4096, [](const webauthn_services& s, const json& r) { return change_credential(s, r, true); });
}

}  // namespace sekisho::authd
