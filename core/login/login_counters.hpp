// Login outcomes since authd started, by channel, method and result, for /.sekisho/metrics. The authenticator
// counts each login.password and login.second_factor audit record it writes (a passed password step is not an
// outcome yet: the second factor's record counts that login), so the numbers match the audit trail.
#pragma once
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

namespace sekisho::login {

class login_counters {
 public:
  // channel is one of request_fields' fixed set (or empty), method and result the audit record's: few values.
  void count_login(std::string_view channel, std::string_view method, std::string_view result);
  // An attempt refused by the throttle or the lockout before anything was checked.
  void count_throttled(std::string_view channel);

  struct snapshot {
    std::map<std::tuple<std::string, std::string, std::string>, std::uint64_t> logins;  // channel, method, result
    std::map<std::string, std::uint64_t> throttled;                                   // channel
  };
  snapshot read() const;

 private:
  mutable std::mutex mutex_;  // authd serves each connection on its own thread; this is off the gateway's path
  snapshot counts_;
};

}  // namespace sekisho::login
