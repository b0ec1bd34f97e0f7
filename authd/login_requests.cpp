#include "authd/login_requests.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <map>

#include "core/util/secret.hpp"

namespace sekisho::authd {
namespace {

using nlohmann::json;

// One string field of a request. Absent: an error when required, "" otherwise. Not a string,
// longer than max_bytes, or empty when required: an error.
struct field_rule {
  const char* name;
  std::size_t max_bytes;
  bool required = true;
};

// The string fields of one request, each checked by its rule. Wiped when done: they carry
// passwords and codes.
class request_fields {
 public:
  request_fields() = default;
  request_fields(const request_fields&) = delete;
  request_fields& operator=(const request_fields&) = delete;
  ~request_fields() {
    for (auto& [name, value] : values_) wipe_memory(value.data(), value.size());
  }

  // nullptr when every field is good, else the name of the first bad one.
  const char* read(const json& req, std::initializer_list<field_rule> rules) {
    for (const auto& r : rules) {
      auto& value = values_[r.name];
      const auto it = req.find(r.name);
      if (it == req.end()) {
        if (r.required) return r.name;
        continue;
      }
      if (!it->is_string()) return r.name;
      value = it->get<std::string>();
      if (value.size() > r.max_bytes || (r.required && value.empty())) return r.name;
    }
    return nullptr;
  }

  // A field read earlier; "" for an absent optional one.
  const std::string& operator[](std::string_view name) const {
    static const std::string none;
    const auto it = values_.find(name);
    return it == values_.end() ? none : it->second;
  }

 private:
  std::map<std::string, std::string, std::less<>> values_;
};

// Every login request says where it comes from (for throttling and the audit trail), then
// carries its own fields.
const char* read_login_request(const json& req, std::initializer_list<field_rule> own, request_fields& f) {
  static constexpr std::array<std::string_view, 5> channels = {"web", "ssh", "radius", "cli", "other"};
  if (auto bad = f.read(req, {{"source", 64, false}, {"channel", 16}, {"service", 64, false}, {"host", 255, false}}))
    return bad;
  if (std::find(channels.begin(), channels.end(), f["channel"]) == channels.end()) return "channel";
  return f.read(req, own);
}

login::context context_of(const request_fields& f) { return {f["source"], f["channel"], f["service"], f["host"]}; }

json bad_field(const char* name) { return {{"ok", false}, {"error", "bad_request"}, {"field", name}}; }

bool wants_session(const json& req) {
  const auto it = req.find("open_session");
  return it != req.end() && it->is_boolean() && it->get<bool>();
}

json reply(login::status s, std::int64_t retry_after) {
  json r = {{"ok", true}, {"result", std::string(login::to_string(s))}};
  if (s == login::status::throttled) r["retry_after"] = retry_after;
  return r;
}

}  // namespace

void register_login_requests(request_table& table, login::authenticator& auth, pending_logins& pending,
                             session::session_book& sessions, clock_fn now) {
  table.add({"login.password", permission::client, 4096, [&auth, &pending, now](const json& req, const caller&) {
               request_fields f;
               if (auto bad = read_login_request(req, {{"user", 256}, {"password", 1024}}, f)) return bad_field(bad);
               const auto ctx = context_of(f);
               auto out = auth.check_password(f["user"], secret(f["password"]), ctx);
               auto r = reply(out.result, out.retry_after);
               if (out.result == login::status::ok) {
                 r["pending"] = pending.add(out.user_id, out.user, ctx.source, now());
                 r["user"] = out.user;
                 r["must_change_password"] = out.must_change_password;
                 r["factors"] = {{"totp", out.has_totp}, {"recovery_codes_left", out.recovery_codes_left}};
               }
               return r;
             }});
  table.add({"login.second_factor", permission::client, 4096, [&auth, &pending, &sessions, now](const json& req, const caller&) {
               request_fields f;
               if (auto bad = read_login_request(req, {{"pending", 128}, {"code", 64}}, f)) return bad_field(bad);
               const auto ctx = context_of(f);
               auto entry = pending.use(f["pending"], ctx.source, now());
               // Expired, spent, out of attempts or from another address: the web page starts over.
               if (!entry) return json{{"ok", true}, {"result", "expired"}};
               auto out = auth.check_second_factor(entry->user_id, secret(f["code"]), ctx);
               if (out.result == login::status::ok) pending.finish(f["pending"]);
               auto r = reply(out.result, out.retry_after);
               if (out.result == login::status::ok) {
                 r["user"] = entry->user;
                 r["method"] = out.method;
                 if (wants_session(req)) r["session"] = sessions.open(entry->user_id, 2, out.method, ctx.source);
               }
               return r;
             }});
  table.add({"login.combined", permission::client, 4096, [&auth, &sessions](const json& req, const caller&) {
               request_fields f;
               if (auto bad = read_login_request(req, {{"user", 256}, {"password", 1024}, {"code", 64}}, f))
                 return bad_field(bad);
               const auto ctx = context_of(f);
               auto out = auth.login(f["user"], secret(f["password"]), secret(f["code"]), ctx);
               auto r = reply(out.result, out.retry_after);
               if (out.result == login::status::ok) {
                 r["method"] = out.method;
                 if (wants_session(req)) r["session"] = sessions.open(out.user_id, 2, out.method, ctx.source);
               }
               return r;
             }});
  // For PAM's acct_mgmt, after authentication. It tells an admitted client which names exist;
  // docs/privsep.md says why that is accepted.
  table.add({"account.status", permission::client, 1024, [&auth](const json& req, const caller&) {
               request_fields f;
               if (auto bad = f.read(req, {{"user", 256}})) return bad_field(bad);
               return json{{"ok", true}, {"status", std::string(login::to_string(auth.account_status(f["user"])))}};
             }});
}

}  // namespace sekisho::authd
