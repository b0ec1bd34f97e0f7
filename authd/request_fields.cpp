#include "authd/request_fields.hpp"

#include <algorithm>
#include <array>

#include "core/util/secret.hpp"

namespace sekisho::authd {

using nlohmann::json;

request_fields::~request_fields() {
  for (auto& [name, value] : values_) wipe_memory(value.data(), value.size());
}

const char* request_fields::read(const json& req, std::initializer_list<field_rule> rules) {
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

const std::string& request_fields::operator[](std::string_view name) const {
  static const std::string none;
  const auto it = values_.find(name);
  return it == values_.end() ? none : it->second;
}

const char* read_login_request(const json& req, std::initializer_list<field_rule> own, request_fields& f,
                               bool channel_required) {
  static constexpr std::array<std::string_view, 5> channels = {"web", "ssh", "radius", "cli", "other"};
  if (auto bad = f.read(req, {{"source", 64, false},
                              {"channel", 16, channel_required},
                              {"service", 64, false},
                              {"host", 255, false},
                              {"tty", 64, false}}))
    return bad;
  const auto& channel = f["channel"];
  if ((channel_required || !channel.empty()) && std::find(channels.begin(), channels.end(), channel) == channels.end())
    return "channel";
  return f.read(req, own);
}

login::context context_of(const request_fields& f) {
  return {f["source"], f["channel"], f["service"], f["host"], f["tty"]};
}

json bad_field(const char* name) { return {{"ok", false}, {"error", "bad_request"}, {"field", name}}; }

json status_reply(login::status s, std::int64_t retry_after) {
  json r = {{"ok", true}, {"result", std::string(login::to_string(s))}};
  if (s == login::status::throttled) r["retry_after"] = retry_after;
  return r;
}

bool wants_session(const json& req) {
  const auto it = req.find("open_session");
  return it != req.end() && it->is_boolean() && it->get<bool>();
}

json result_reply(std::string_view result) { return {{"ok", true}, {"result", std::string(result)}}; }

json refused_reply(std::string_view reason) {
  return {{"ok", true}, {"result", "refused"}, {"reason", std::string(reason)}};
}

json policy_refused_reply(const password::policy_verdict& verdict) {
  return {{"ok", true}, {"result", "refused"}, {"reason_ja", verdict.reason_ja}, {"reason_en", verdict.reason_en}};
}

json no_session_reply() { return {{"ok", false}, {"error", "no_session"}}; }

void add_changes(json& reply, const login::factor_outcome& out) {
  if (out.changes.empty()) return;
  json list = json::array();
  for (const auto& c : out.changes)
    list.push_back({{"time", c.time}, {"event", c.event}, {"source", c.source}, {"channel", c.channel}});
  reply["changes"] = std::move(list);
}

json second_factor_reply(const login::factor_outcome& out, std::string_view pending_handle,
                         const pending_logins::entry& entry, const json& req, pending_logins& pending,
                         session::session_book& sessions, const login::context& ctx) {
  auto r = status_reply(out.result, out.retry_after);
  if (out.result != login::status::ok) return r;
  pending.finish(pending_handle);
  r["user"] = entry.user;
  r["method"] = out.method;
  add_changes(r, out);
  if (wants_session(req)) r["session"] = sessions.open(entry.user_id, 2, out.method, ctx.source);
  return r;
}

}  // namespace sekisho::authd
