// `sekisho authd`, `sekisho run`, `sekisho status` and `sekisho login`.
#include <signal.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>

#include "authd/account_requests.hpp"
#include "authd/approval_requests.hpp"
#include "authd/allowed_clients.hpp"
#include "authd/break_glass_requests.hpp"
#include "authd/client.hpp"
#include "authd/enrollment_requests.hpp"
#include "authd/frame.hpp"
#include "authd/login_requests.hpp"
#include "authd/remote_requests.hpp"
#include "authd/session_requests.hpp"
#include "authd/status_requests.hpp"
#include "authd/server.hpp"
#include "authd/webauthn_requests.hpp"
#include "cli/command.hpp"
#include "cli/admin_context.hpp"
#include "cli/terminal.hpp"
#include "core/audit/audit_head_log.hpp"
#include "core/notify/service_notify.hpp"
#include "core/store/audit_store.hpp"
#include "core/throttle/throttle.hpp"
#include "core/util/encoding.hpp"
#include "core/util/key_file.hpp"

namespace sekisho::cli {
namespace {

namespace fs = std::filesystem;

// Runs `work` at once and then every `every`, on its own thread, until destroyed. A failed run is
// reported and retried at the next interval.
class periodic_task {
 public:
  periodic_task(std::string what, std::chrono::seconds every, std::function<void()> work)
      : thread_([this, what = std::move(what), every, work = std::move(work)] {
          std::unique_lock lock(mutex_);
          do {
            lock.unlock();
            try {
              work();
            } catch (const std::exception& e) {
              std::cerr << "sekisho authd: " << what << ": " << e.what() << "\n";
            }
            lock.lock();
          } while (!wake_.wait_for(lock, every, [this] { return stop_; }));
        }) {}
  periodic_task(const periodic_task&) = delete;
  periodic_task& operator=(const periodic_task&) = delete;
  ~periodic_task() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;  // last: starts once the members it uses exist
};

int run_authd(const args&, const fs::path& config_path) {
  auto cfg = load_config(config_path);
  if (!cfg) return fail(cfg.message());
  auto keys = seal::keyring::load(cfg->master_key_file);
  if (!keys) return fail(keys.message());
  auto audit_key = read_key_file(cfg->audit.key_file, 32);
  if (!audit_key) return fail(audit_key.message());
  auto uids = authd::resolve_client_uids(cfg->authd.clients);
  if (!uids) return fail("authd.clients: " + uids.message());
  auto webauthn = authd::load_webauthn_settings(cfg->webauthn);
  if (!webauthn) return fail(webauthn.message());

  // SIGTERM/SIGINT are taken by a waiting thread, not an async handler.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  store::connection_pool pool(cfg->database, static_cast<std::size_t>(cfg->authd.max_connections));
  login::authenticator auth(*cfg, pool, *keys, *audit_key);
  authd::pending_logins pending;
  session::session_book sessions(pool, cfg->session, system_clock_fn());
  authd::request_table table;
  authd::register_builtin_requests(table);
  authd::register_login_requests(table, auth, pending, sessions, system_clock_fn());
  authd::register_session_requests(table, sessions);
  authd::webauthn_challenges challenges;
  const authd::webauthn_services webauthn_services{*webauthn, auth, pool, pending, challenges, sessions,
                                                    system_clock_fn()};
  authd::register_webauthn_requests(table, webauthn_services);
  login::enroller enroller(*cfg, pool, *keys, auth);
  authd::register_enrollment_requests(table, enroller, webauthn_services);
  authd::register_account_requests(table, {auth, enroller, sessions, pool, system_clock_fn()});
  authd::register_break_glass_requests(table, cfg->break_glass, auth, sessions, pool);
  authd::approvals approvals(cfg->pam.approval_timeout.count());
  authd::register_approval_requests(table, {cfg->pam, webauthn_services, approvals});
  authd::register_remote_requests(table, pool, system_clock_fn());
  const auto clock_state = cfg->authd.clock_check
                               ? std::function<clock_sync()>(system_clock_sync)
                               : std::function<clock_sync()>([] { return clock_sync::not_checked; });
  authd::register_status_requests(table, {pool, sessions, auth, clock_state});
  authd::report_clock_at_start(clock_state(), auth, pool);
  if (webauthn->rp.origins.empty())
    std::cerr << "sekisho authd: webauthn: no origin is known (gateway.listen uses port 0 or the certificates name "
                 "only wildcards); security keys cannot be used until webauthn.origins is set\n";
  authd::server srv(cfg->authd.socket, table,
                    {cfg->authd.max_connections, cfg->authd.request_timeout, std::move(*uids)});
  if (auto r = srv.listen(); !r) return fail(r.message());
  // The chain head goes to syslog at intervals, so a cut-off tail is detectable.
  periodic_task heads("cannot log the audit head", cfg->audit.head_log_interval, [&pool] {
    auto db = pool.acquire();
    if (auto h = store::audit_head(*db)) audit::log_head_to_syslog(h->seq, hex_encode(h->hash));
  });
  // Addresses' failure counts end after throttle.forget_after; this deletes the rows, so a scan
  // from many addresses does not grow the table for good.
  const throttle::throttle forgetter(cfg->throttle);
  periodic_task forget("cannot forget old failure counts and ended sessions", std::chrono::hours(1),
                       [&pool, &forgetter, &sessions] {
                         {
                           auto db = pool.acquire();
                           forgetter.forget_old(*db, system_now());
                         }
                         sessions.forget_expired();
                       });
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    service_notify::stopping();
    srv.stop();
  });
  std::cerr << "sekisho authd: listening on " << cfg->authd.socket.string() << "\n";
  // Under systemd (Type=notify): ready once the socket listens; the watchdog is fed at half its period.
  std::optional<periodic_task> watchdog;
  if (const auto every = service_notify::watchdog_interval(); every.count() > 0)
    watchdog.emplace("cannot feed the watchdog", every, [] { service_notify::watchdog(); });
  service_notify::ready();
  srv.run();
  pthread_kill(waiter.native_handle(), SIGTERM);  // harmless if it already returned
  waiter.join();
  std::cerr << "sekisho authd: stopped\n";
  return exit_ok;
}

result<authd::client> connect(const fs::path& config_path) {
  auto cfg = load_config(config_path);
  if (!cfg) return cfg.err();
  return authd::client::connect(cfg->authd.socket, std::chrono::milliseconds(15000));
}

int run_status(const args&, const fs::path& config_path) {
  auto c = connect(config_path);
  if (!c) return fail("authd does not answer: " + c.message());
  auto r = c->call({{"op", "ping"}});
  if (!r || !(*r)["ok"].get<bool>()) return fail("authd does not answer");
  std::cout << "authd ok (version " << (*r).value("version", "?") << ") / authd は稼働中です\n";
  return exit_ok;
}

int run_login(const args& a, const fs::path& config_path) {
  auto pw = read_secret("Password / パスワード: ");
  if (!pw) return fail(pw.message());
  auto code = read_secret("Code / 確認コード: ");
  if (!code) return fail(code.message());
  auto c = connect(config_path);
  if (!c) return fail("authd does not answer: " + c.message());
  nlohmann::json req = {{"op", "login.combined"}, {"user", a.positional[0]}, {"password", std::string(pw->view())},
                        {"code", std::string(code->view())},  {"source", "local"},  {"channel", "cli"}};
  if (a.has("--session")) req["open_session"] = true;
  auto r = c->call(req);
  wipe_json(req);
  if (!r) return fail(r.message());
  if (!(*r).value("ok", false)) return fail("authd refused the request: " + (*r).value("error", "?"));
  const auto result = (*r).value("result", "denied");
  if (result == "ok") {
    // --session: only the id on standard output, for scripts (the cookie value of __Host-sekisho).
    if (a.has("--session")) std::cout << (*r).value("session", "") << "\n";
    else std::cout << "login ok (" << (*r).value("method", "") << ") / ログイン成功\n";
    return exit_ok;
  }
  std::cout << "login refused: " << result;
  if (r->contains("retry_after")) std::cout << " (retry after " << (*r)["retry_after"].get<std::int64_t>() << " s)";
  std::cout << " / ログインできません\n";
  return exit_failed;
}

}  // namespace

std::vector<command> daemon_commands() {
  return {
      {"authd", "run the authority in the foreground (Unix socket only)", "", {{}, {}, 0, 0}, run_authd},
      {"status", "ask the running authd whether it answers", "", {{}, {}, 0, 0}, run_status},
      {"login", "try a login through authd: password and code from the terminal or standard input",
       "USER [--session]\n\n--session  open a web session and print its id (the __Host-sekisho cookie value)",
       {{}, {"--session"}, 1, 1}, run_login},
  };
}

}  // namespace sekisho::cli
