#include "authd/session_requests.hpp"

namespace sekisho::authd {
namespace {

using nlohmann::json;

// The session id of a request, or "" when absent or not a string (then nothing matches it).
std::string session_field(const json& req) {
  const auto it = req.find("session");
  return it != req.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

void register_session_requests(request_table& table, session::session_book& sessions) {
  // Unknown, expired and malformed ids get the same answer.
  table.add({"session.check", permission::client, 512, [&sessions](const json& req, const caller&) {
               auto s = sessions.check(session_field(req));
               if (!s) return json{{"ok", false}, {"error", "no_session"}};
               return json{{"ok", true},          {"user", s->user},       {"groups", s->groups},
                           {"display_name", s->display_name}, {"factors", s->factors},
                           {"method", s->method}, {"expires_at", s->expires_at},
                           {"must_change_password", s->must_change_password}};
             }});
  table.add({"session.close", permission::client, 512, [&sessions](const json& req, const caller&) {
               return json{{"ok", true}, {"closed", sessions.close(session_field(req))}};
             }});
}

}  // namespace sekisho::authd
