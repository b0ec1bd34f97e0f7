#include "authd/enrollment_requests.hpp"

#include "core/store/user_store.hpp"
#include "core/totp/qr_code.hpp"
#include "core/util/secret.hpp"

namespace sekisho::authd {
namespace {

using nlohmann::json;
using login::enroller;

// The link's token is 32 random bytes, base64url: 43 characters.
constexpr field_rule token_rule{"token", 64};

json expired() { return result_reply("expired"); }

json completion_reply(const enroller::completion& c, const json& req, session::session_book& sessions,
                      std::string_view method, const login::context& ctx) {
  if (c.result == enroller::outcome::expired) return expired();
  if (c.result == enroller::outcome::refused) return refused_reply(c.reason);
  json r = result_reply("ok");
  r["user"] = c.user;
  r["recovery_codes"] = c.recovery_codes;
  if (wants_session(req)) r["session"] = sessions.open(c.user_id, 2, method, ctx.source);
  return r;
}

json open_link(enroller& e, const json& req) {
  request_fields f;
  if (auto bad = f.read(req, {token_rule})) return bad_field(bad);
  const auto l = e.open(f["token"]);
  if (!l) return expired();
  json r = result_reply("ok");
  r["user"] = l->user;
  r["display_name"] = l->display_name;
  r["password_set"] = l->password_set;
  r["expires_at"] = l->expires_at;
  return r;
}

json set_password(enroller& e, const json& req) {
  request_fields f;
  if (auto bad = read_login_request(req, {token_rule, {"password", 1024}}, f)) return bad_field(bad);
  const auto verdict = e.set_password(f["token"], secret(f["password"]), context_of(f));
  if (!verdict) return expired();
  if (verdict->ok) return result_reply("ok");
  return policy_refused_reply(*verdict);
}

json offer_app(enroller& e, const json& req) {
  request_fields f;
  if (auto bad = f.read(req, {token_rule})) return bad_field(bad);
  const auto offer = e.offer_app(f["token"]);
  if (!offer) return expired();
  return app_offer_reply(*offer);
}

json confirm_app(enroller& e, session::session_book& sessions, const json& req) {
  request_fields f;
  if (auto bad = read_login_request(req, {token_rule, {"code", 64}}, f)) return bad_field(bad);
  const auto ctx = context_of(f);
  return completion_reply(e.confirm_app(f["token"], secret(f["code"]), ctx), req, sessions, "totp", ctx);
}

json begin_key(enroller& e, const webauthn_services& svc, const json& req) {
  request_fields f;
  if (auto bad = f.read(req, {token_rule})) return bad_field(bad);
  const auto l = e.open(f["token"]);
  if (!l || !l->password_set) return expired();
  auto reply = registration_begin_reply(svc, f["token"], l->user_id, svc.now());
  return reply.is_null() ? expired() : reply;
}

json finish_key(enroller& e, const webauthn_services& svc, const json& req) {
  request_fields f;
  registration_answer answer;
  if (auto bad = read_registration(req, {token_rule}, f, answer)) return bad_field(bad);
  const auto ctx = context_of(f);
  // Spent here, whatever follows (WA-R-04); bound to this link's token.
  const auto challenge =
      svc.challenges.take(f["handle"], webauthn_challenges::ceremony::registration, f["token"], svc.now());
  if (!challenge) return expired();
  auto done = e.complete(f["token"], "webauthn", ctx, [&](store::database& db, const enroller::link& l) {
    if (l.user_id != challenge->user_id) return std::string("challenge_of_another_user");
    return store_registration(svc, db, l.user_id, l.user, challenge->challenge, answer, ctx);
  });
  return completion_reply(done, req, svc.sessions, "webauthn", ctx);
}

}  // namespace

json app_offer_reply(const enroller::app_offer& offer) {
  return {{"ok", true}, {"result", "ok"}, {"uri", offer.uri}, {"key", offer.key}, {"qr_svg", totp::qr_svg(offer.uri)}};
}

void register_enrollment_requests(request_table& table, enroller& e, const webauthn_services& svc) {
  table.add({"enroll.open", permission::client, 512, [&e](const json& req, const caller&) { return open_link(e, req); }});
  table.add({"enroll.password", permission::client, 4096,
             [&e](const json& req, const caller&) { return set_password(e, req); }});
  table.add({"enroll.app.begin", permission::client, 512,
             [&e](const json& req, const caller&) { return offer_app(e, req); }});
  table.add({"enroll.app.finish", permission::client, 4096,
             [&e, &sessions = svc.sessions](const json& req, const caller&) { return confirm_app(e, sessions, req); }});
  table.add({"enroll.webauthn.begin", permission::client, 512,
             [&e, svc](const json& req, const caller&) { return begin_key(e, svc, req); }});
  // The whole frame, as for webauthn.register.finish: an attestation with a certificate chain is large.
  table.add({"enroll.webauthn.finish", permission::client, 64 * 1024,
             [&e, svc](const json& req, const caller&) { return finish_key(e, svc, req); }});
}

}  // namespace sekisho::authd
