#include "authd/login_requests.hpp"

namespace sekisho::authd {
namespace {

using nlohmann::json;

// A string field of at most `max` bytes; "" when absent and optional. Invalid → nullopt.
std::optional<std::string> field(const json& req, const char* name, std::size_t max, bool required) {
  auto it = req.find(name);
  if (it == req.end()) return required ? std::nullopt : std::optional<std::string>("");
  if (!it->is_string()) return std::nullopt;
  auto s = it->get<std::string>();
  if (s.size() > max || (required && s.empty())) return std::nullopt;
  return s;
}

json bad_field(const char* name) { return {{"ok", false}, {"error", "bad_request"}, {"field", name}}; }

std::optional<login::context> read_context(const json& req, const char** bad) {
  static const std::vector<std::string> channels = {"web", "ssh", "radius", "cli", "other"};
  login::context ctx;
  auto source = field(req, "source", 64, false), channel = field(req, "channel", 16, true),
       service = field(req, "service", 64, false), host = field(req, "host", 255, false);
  if (!source) return *bad = "source", std::nullopt;
  if (!channel || std::find(channels.begin(), channels.end(), *channel) == channels.end())
    return *bad = "channel", std::nullopt;
  if (!service) return *bad = "service", std::nullopt;
  if (!host) return *bad = "host", std::nullopt;
  ctx = {*source, *channel, *service, *host};
  return ctx;
}

json reply(login::status s, std::int64_t retry_after) {
  json r = {{"ok", true}, {"result", std::string(login::to_string(s))}};
  if (s == login::status::throttled) r["retry_after"] = retry_after;
  return r;
}

}  // namespace

void register_login_requests(request_table& table, login::authenticator& auth, pending_logins& pending,
                             clock_fn now) {
  table.add({"login.password", permission::client, 4096, [&auth, &pending, now](const json& req, const caller&) {
               const char* bad = nullptr;
               auto ctx = read_context(req, &bad);
               if (!ctx) return bad_field(bad);
               auto user = field(req, "user", 256, true), pw = field(req, "password", 1024, true);
               if (!user) return bad_field("user");
               if (!pw) return bad_field("password");
               auto out = auth.check_password(*user, secret(*pw), *ctx);
               wipe_memory(pw->data(), pw->size());
               auto r = reply(out.result, out.retry_after);
               if (out.result == login::status::ok) {
                 r["pending"] = pending.add(out.user_id, out.user, ctx->source, now());
                 r["user"] = out.user;
                 r["must_change_password"] = out.must_change_password;
                 r["factors"] = {{"totp", out.has_totp}, {"recovery_codes_left", out.recovery_codes_left}};
               }
               return r;
             }});
  table.add({"login.second_factor", permission::client, 4096, [&auth, &pending, now](const json& req, const caller&) {
               const char* bad = nullptr;
               auto ctx = read_context(req, &bad);
               if (!ctx) return bad_field(bad);
               auto handle = field(req, "pending", 128, true), code = field(req, "code", 64, true);
               if (!handle) return bad_field("pending");
               if (!code) return bad_field("code");
               auto entry = pending.use(*handle, ctx->source, now());
               if (!entry) return reply(login::status::denied, 0);
               auto out = auth.check_second_factor(entry->user_id, secret(*code), *ctx);
               if (out.result == login::status::ok) pending.finish(*handle);
               auto r = reply(out.result, out.retry_after);
               if (out.result == login::status::ok) {
                 r["user"] = entry->user;
                 r["method"] = out.method;
               }
               return r;
             }});
  table.add({"login.combined", permission::client, 4096, [&auth](const json& req, const caller&) {
               const char* bad = nullptr;
               auto ctx = read_context(req, &bad);
               if (!ctx) return bad_field(bad);
               auto user = field(req, "user", 256, true), pw = field(req, "password", 1024, true),
                    code = field(req, "code", 64, true);
               if (!user) return bad_field("user");
               if (!pw) return bad_field("password");
               if (!code) return bad_field("code");
               auto out = auth.login(*user, secret(*pw), secret(*code), *ctx);
               wipe_memory(pw->data(), pw->size());
               auto r = reply(out.result, out.retry_after);
               if (out.result == login::status::ok) r["method"] = out.method;
               return r;
             }});
}

}  // namespace sekisho::authd
