// What an operator's monitoring asks authd, through the gateway: "health" (is the database writable, is the clock
// synchronised) for /.sekisho/health, and "metrics" (login counts since start, live sessions) for
// /.sekisho/metrics. Both small, read-only for the caller, and free of names, addresses and secrets.
#pragma once
#include <functional>

#include "authd/request_table.hpp"
#include "core/login/authenticator.hpp"
#include "core/session/session_book.hpp"
#include "core/store/connection_pool.hpp"
#include "core/util/clock_sync.hpp"

namespace sekisho::authd {

struct status_services {
  store::connection_pool& pool;
  session::session_book& sessions;
  const login::authenticator& auth;
  std::function<clock_sync()> clock;  // system_clock_sync, or not_checked when authd.clock_check is off
};

// "health" → database_writable, clock_synchronised (false for unsynchronised and unknown), clock (to_string).
// "metrics" → logins [{channel, method, result, count}], throttled [{channel, count}], sessions {web, break_glass}.
void register_status_requests(request_table& table, const status_services& services);

// At start: when the clock is not known to be synchronised, a WARNING line and a system.clock_unsynchronised
// audit record (result warning). Nothing when it is, or when the check is off.
void report_clock_at_start(clock_sync state, login::authenticator& auth, store::connection_pool& pool);

}  // namespace sekisho::authd
