// Server-side login latency without the password hash: password step, then a TOTP code, through authd's
// real request table (throttle, database, sealed secret, single-use step, audit chain, session), with
// Argon2id at libsodium's minimum (8 KiB, one pass) so the hash's cost — tuned per site, and measured by
// password_bench — does not hide everything else. The state is a fresh SQLite database in WAL mode on the
// temp directory's disk, as in production. Usage: login_bench [LOGINS]   (default 2000)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "authd/login_requests.hpp"
#include "authd/request_table.hpp"
#include "tests/unit/core/login/login_fixture.hpp"

namespace {

using namespace sekisho;
using clock_type = std::chrono::steady_clock;
using nlohmann::json;

double micros(clock_type::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

void report(const char* what, const std::vector<double>& v) {
  std::printf("%-44s p50 %7.0f µs   p99 %7.0f µs\n", what, percentile(v, 0.50), percentile(v, 0.99));
}

}  // namespace

int main(int argc, char** argv) {
  const int logins = argc > 1 ? std::atoi(argv[1]) : 2000;
  test::login_fixture f;
  authd::pending_logins pending;
  session::session_book sessions{f.pool, f.cfg.session, [&f] { return f.now; }};
  authd::request_table table;
  authd::register_login_requests(table, f.auth, pending, sessions, [&f] { return f.now; });
  const authd::caller gateway{.uid = 1000, .gid = 1000, .pid = 1, .admin = false};
  const auto id = f.add_user("nurse", "Sakura-Hana#2026");
  const auto seed = f.add_totp(id);

  std::vector<double> password_step, code_step, whole, hash_alone;
  for (int i = 0; i < logins; ++i) {
    f.now += 30;  // a new TOTP step: each login's code is fresh (a code works once)
    const json password = {{"op", "login.password"}, {"user", "nurse"}, {"password", "Sakura-Hana#2026"},
                           {"channel", "web"}, {"source", "192.0.2.7"}};
    const auto t0 = clock_type::now();
    const auto p = table.dispatch(password, gateway, 200);
    const auto t1 = clock_type::now();
    if (p.value("result", "") != "ok") {
      std::fprintf(stderr, "login_bench: password step failed: %s\n", p.dump().c_str());
      return 1;
    }
    const json code = {{"op", "login.second_factor"}, {"pending", p["pending"]}, {"code", f.code(seed)},
                       {"open_session", true}, {"channel", "web"}, {"source", "192.0.2.7"}};
    const auto t2 = clock_type::now();
    const auto c = table.dispatch(code, gateway, 200);
    const auto t3 = clock_type::now();
    if (c.value("result", "") != "ok") {
      std::fprintf(stderr, "login_bench: code step failed: %s\n", c.dump().c_str());
      return 1;
    }
    const auto h0 = clock_type::now();
    (void)f.hasher.verify(*f.hasher.hash("Sakura-Hana#2026"), "Sakura-Hana#2026");
    hash_alone.push_back(micros(clock_type::now() - h0) / 2);  // one hash and one verify: half is one
    password_step.push_back(micros(t1 - t0));
    code_step.push_back(micros(t3 - t2));
    whole.push_back(micros(t1 - t0) + micros(t3 - t2));
  }
  std::printf("%d logins (password + TOTP code + session), Argon2id at 8 KiB / 1 pass\n", logins);
  report("login.password (incl. one minimal hash)", password_step);
  report("login.second_factor (TOTP, opens session)", code_step);
  report("whole login, server side", whole);
  report("minimal Argon2id hash alone (subtract once)", hash_alone);
  return 0;
}
