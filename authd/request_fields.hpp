// Reading the string fields of a request, and the reply pieces the login requests share (the code
// and WebAuthn second factors answer alike).
#pragma once
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "authd/pending_logins.hpp"
#include "core/login/authenticator.hpp"
#include "core/password/password_policy.hpp"
#include "core/session/session_book.hpp"

namespace sekisho::authd {

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
  ~request_fields();

  // nullptr when every field is good, else the name of the first bad one.
  const char* read(const nlohmann::json& req, std::initializer_list<field_rule> rules);
  // A field read earlier; "" for an absent optional one.
  const std::string& operator[](std::string_view name) const;

 private:
  std::map<std::string, std::string, std::less<>> values_;
};

// Every login request says where it comes from (for throttling and the audit trail): "source",
// "channel" (web, ssh, radius, cli, other; required unless `channel_required` is false), "service",
// "host" and "tty"; then `own` fields. nullptr when all are good, else the name of the first bad one.
const char* read_login_request(const nlohmann::json& req, std::initializer_list<field_rule> own,
                               request_fields& f, bool channel_required = true);
login::context context_of(const request_fields& f);

// {"ok":false,"error":"bad_request","field":name}
nlohmann::json bad_field(const char* name);
// {"ok":true,"result":result}
nlohmann::json result_reply(std::string_view result);
// {"ok":true,"result":"refused","reason":reason}
nlohmann::json refused_reply(std::string_view reason);
// {"ok":true,"result":"refused"} with the password profile's reasons in both languages.
nlohmann::json policy_refused_reply(const password::policy_verdict& verdict);
// {"ok":false,"error":"no_session"}
nlohmann::json no_session_reply();
// {"ok":true,"result":…} with retry_after when throttled.
nlohmann::json status_reply(login::status s, std::int64_t retry_after);
// "open_session": true in the request.
bool wants_session(const nlohmann::json& req);

// A successful login's reply lists what changed in the account since the previous login ("changes": time,
// event, source, channel), so the user can tell an administrator about a change that was not theirs.
void add_changes(nlohmann::json& reply, const login::factor_outcome& out);

// The reply to a second factor for a pending login, the same for a code and a security key: on success the
// pending login is finished and, when asked, a two-factor web session is opened.
nlohmann::json second_factor_reply(const login::factor_outcome& out, std::string_view pending_handle,
                                   const pending_logins::entry& entry, const nlohmann::json& req,
                                   pending_logins& pending, session::session_book& sessions,
                                   const login::context& ctx);

}  // namespace sekisho::authd
