#include "authd/status_requests.hpp"

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "authd/log.hpp"
#include "core/store/write_probe.hpp"

namespace sekisho::authd {
namespace {

using nlohmann::json;

bool clock_fine(clock_sync s) { return s == clock_sync::synchronised || s == clock_sync::not_checked; }

// /.sekisho/health needs no login, so anyone can ask it often: the write is made at most once per interval, and
// callers in between (or waiting while it runs) get its answer. Logins never queue behind a flood of probes.
class write_probe {
 public:
  static constexpr std::chrono::seconds interval{5};

  bool writable(store::connection_pool& pool) {
    std::lock_guard lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    if (probed_ && now - last_ < interval) return writable_;
    {
      auto db = pool.acquire();
      writable_ = store::probe_writable(*db);
    }
    probed_ = true;
    last_ = std::chrono::steady_clock::now();
    return writable_;
  }

 private:
  std::mutex mutex_;
  bool probed_ = false;
  bool writable_ = false;
  std::chrono::steady_clock::time_point last_;
};

json health(const status_services& svc, write_probe& probe) {
  const bool writable = probe.writable(svc.pool);
  const auto clock = svc.clock();
  return {{"ok", true},
          {"database_writable", writable},
          {"clock_synchronised", clock_fine(clock)},
          {"clock", std::string(to_string(clock))}};
}

json metrics(const status_services& svc) {
  const auto counts = svc.auth.counters().read();
  json logins = json::array();
  for (const auto& [key, n] : counts.logins) {
    const auto& [channel, method, result] = key;
    logins.push_back({{"channel", channel}, {"method", method}, {"result", result}, {"count", n}});
  }
  json throttled = json::array();
  for (const auto& [channel, n] : counts.throttled) throttled.push_back({{"channel", channel}, {"count", n}});
  const auto live = svc.sessions.live_counts();
  return {{"ok", true},
          {"logins", std::move(logins)},
          {"throttled", std::move(throttled)},
          {"sessions", {{"web", live.all}, {"break_glass", live.break_glass}}}};
}

}  // namespace

void register_status_requests(request_table& table, const status_services& services) {
  table.add({"health", permission::client, 256,
             [svc = services, probe = std::make_shared<write_probe>()](const json&, const caller&) {
               return health(svc, *probe);
             }});
  table.add({"metrics", permission::client, 256,
             [svc = services](const json&, const caller&) { return metrics(svc); }});
}

void report_clock_at_start(clock_sync state, login::authenticator& auth, store::connection_pool& pool) {
  if (clock_fine(state)) return;
  log_line("WARNING: the system clock is not synchronised (NTP); TOTP codes depend on it");
  const login::context ctx{"local", "system", "", ""};
  auto db = pool.acquire();
  auth.audit(*db, "system.clock_unsynchronised", "", ctx, "", "warning",
             state == clock_sync::unknown ? "clock_state_unknown" : "kernel_reports_unsynchronised");
}

}  // namespace sekisho::authd
