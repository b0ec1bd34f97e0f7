// The fixed table of requests authd answers (OpenSSH's mon_table): each op names who may ask it,
// how large its request may be, and the handler. Anything not in the table is refused.
#pragma once
#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace sekisho::authd {

// Who is asking, from SO_PEERCRED; `admin` is root or authd's own uid.
struct caller {
  uid_t uid = 0;
  gid_t gid = 0;
  pid_t pid = 0;
  bool admin = false;
};

enum class permission {
  client,  // any uid admitted by authd.clients (plus root and authd's own uid)
  admin,   // root and authd's own uid only
};

// Validates the fields it reads and returns a reply object carrying "ok". Expected failures
// (wrong password, bad field) are replies; store_error and other exceptions become "unavailable".
using request_handler = std::function<nlohmann::json(const nlohmann::json& request, const caller& who)>;

struct request_entry {
  std::string op;
  permission allowed = permission::admin;  // the safe default: forgetting it locks out, not in
  std::size_t max_request_bytes = 1024;    // the JSON body, checked before the handler runs
  request_handler handle;
};

// The reply for a failure outside any handler: {"ok":false,"error":code}.
nlohmann::json error_reply(std::string_view code);

class request_table {
 public:
  // Registering one op twice is a programming error (std::logic_error at startup).
  void add(request_entry entry);
  const request_entry* find(std::string_view op) const;

  // Runs one parsed request (a JSON object with a string "op", see parse_request_body) whose
  // body was `request_bytes` long. Never throws; the reply always carries "ok".
  nlohmann::json dispatch(const nlohmann::json& request, const caller& who, std::size_t request_bytes) const;

 private:
  std::map<std::string, request_entry, std::less<>> entries_;
};

// authd's own requests: "ping" (any client) → {"ok":true,"version":"…"}.
void register_builtin_requests(request_table& table);

}  // namespace sekisho::authd
