// `sekisho run`: authd and the gateway together in the foreground, for the demo and for small boxes
// without systemd. authd runs as a child process (its own address space: the gateway parses untrusted
// HTTP and must not share memory with the master key); the gateway runs here; stopping one stops both.
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <iostream>
#include <thread>

#include "authd/client.hpp"
#include "cli/admin_context.hpp"
#include "cli/command.hpp"
#include "core/config/config.hpp"
#include "gateway/server/gateway_server.hpp"

namespace sekisho::cli {
namespace {

namespace fs = std::filesystem;

pid_t start_authd(const fs::path& config_path) {
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string config = config_path.string();
    execl("/proc/self/exe", "sekisho", "--config", config.c_str(), "authd", static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

bool wait_for_authd(const config& cfg, pid_t authd) {
  for (int i = 0; i < 100; ++i) {
    if (waitpid(authd, nullptr, WNOHANG) == authd) return false;  // it exited: its message says why
    if (auto c = authd::client::connect(cfg.authd.socket, std::chrono::milliseconds(200)))
      if (auto r = c->call({{"op", "ping"}}); r && r->value("ok", false)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

int run_both(const args&, const fs::path& config_path) {
  auto cfg = load_config(config_path);
  if (!cfg) return fail(cfg.message());
  signal(SIGPIPE, SIG_IGN);
  signal(SIGXFSZ, SIG_IGN);  // past a file-size limit, the access log's write fails (and is retried): no crash
  const pid_t authd = start_authd(config_path);
  if (authd < 0) return fail("cannot start authd");
  if (!wait_for_authd(*cfg, authd)) {
    kill(authd, SIGTERM);
    waitpid(authd, nullptr, 0);
    return fail("authd did not start (see its message above)");
  }
  auto code = gateway::run_gateway(config_path, std::move(*cfg));
  kill(authd, SIGTERM);
  int status = 0;
  waitpid(authd, &status, 0);
  if (!code) return fail(code.message());
  return *code;
}

}  // namespace

std::vector<command> run_commands() {
  return {{"run", "run authd and the gateway together in the foreground (Ctrl-C stops both)", "",
           {{}, {}, 0, 0}, run_both}};
}

}  // namespace sekisho::cli
