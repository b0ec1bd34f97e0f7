#include "core/login/authenticator.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "core/throttle/throttle.hpp"
#include "tests/unit/core/login/login_fixture.hpp"

using namespace sekisho;
using sekisho::login::account_state;
using sekisho::login::status;

namespace {

const login::context web{"192.0.2.7", "web", "", ""};

}  // namespace

TEST_CASE("password and recovery-code hashes take their permits from one limiter") {
  test::login_fixture f;
  const auto id = f.add_user("nurse", "Sakura-Hana#2026");
  f.add_totp(id);
  const auto codes = f.add_recovery_codes(id);
  const auto& limiter = f.auth.limiter();
  CHECK(limiter.capacity() == f.cfg.password.max_concurrent_hashes);

  auto granted = limiter.granted();
  auto p = f.auth.check_password("nurse", secret("Sakura-Hana#2026"), web);
  REQUIRE(p.result == status::ok);
  CHECK(limiter.granted() == granted + 1);

  // The first unused code matches at the first hash; a wrong one is tried against all ten.
  granted = limiter.granted();
  auto r = f.auth.check_second_factor(id, secret(codes[0]), web);
  CHECK(r.result == status::ok);
  CHECK(r.method == "recovery");
  CHECK(limiter.granted() == granted + 1);
  granted = limiter.granted();
  CHECK(f.auth.check_second_factor(id, secret("zzzz-zzzz-zzzz"), web).result == status::denied);
  CHECK(limiter.granted() == granted + 9);  // the nine codes left
}

TEST_CASE("concurrent password and recovery-code checks never run more hashes than the cap") {
  test::login_fixture f;
  const auto id = f.add_user("nurse", "Sakura-Hana#2026");
  f.add_totp(id);
  f.add_recovery_codes(id);
  std::vector<std::thread> threads;
  std::atomic<int> answered{0};
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      const auto result = t % 2 == 0 ? f.auth.check_password("nurse", secret("Sakura-Hana#2026"), web).result
                                     : f.auth.check_second_factor(id, secret("zzzz-zzzz-zzzz"), web).result;
      if (result == status::ok || result == status::denied || result == status::throttled) ++answered;
    });
  for (auto& t : threads) t.join();
  CHECK(answered == 8);
  CHECK(f.auth.limiter().peak() <= f.cfg.password.max_concurrent_hashes);
  CHECK(f.auth.limiter().in_use() == 0);
}

TEST_CASE("account status: active, not enrolled, disabled, locked, unknown") {
  test::login_fixture f;
  const auto nurse = f.add_user("nurse", "Sakura-Hana#2026");
  f.add_totp(nurse);
  f.add_user("doctor", "Fuji-Yama#2026");
  const auto clerk = f.add_user("clerk", "Kawa-Nagare#2026");
  f.add_totp(clerk);
  f.set_disabled(clerk);

  CHECK(f.auth.account_status("nurse") == account_state::active);
  CHECK(f.auth.account_status("  Nurse ") == account_state::active);  // typed names are canonicalised
  CHECK(f.auth.account_status("doctor") == account_state::not_enrolled);
  CHECK(f.auth.account_status("clerk") == account_state::disabled);
  CHECK(f.auth.account_status("nobody") == account_state::unknown);
  CHECK(f.auth.account_status("not a name!") == account_state::unknown);
  CHECK(f.auth.account_status("") == account_state::unknown);

  {
    auto db = f.pool.acquire();
    for (int i = 0; i < f.cfg.throttle.lock_after; ++i) store::add_failure(*db, throttle::user_key("nurse"), f.now);
  }
  CHECK(f.auth.account_status("nurse") == account_state::locked);
  {
    auto db = f.pool.acquire();
    throttle::throttle(f.cfg.throttle).unlock(*db, "nurse");
  }
  CHECK(f.auth.account_status("nurse") == account_state::active);
  CHECK(to_string(account_state::not_enrolled) == "not_enrolled");
}

TEST_CASE("a stored hash over the cost maximum fails the login and says so in the audit trail") {
  test::login_fixture f;
  const auto id = f.add_user("nurse", "Sakura-Hana#2026");
  f.add_totp(id);
  {
    auto db = f.pool.acquire();
    auto u = store::find_user(*db, "nurse");
    REQUIRE(u);
    auto phc = u->password_hash;
    phc.replace(phc.find("t=1,"), 4, "t=1000,");
    store::set_password_hash(*db, id, phc, false, f.now);
  }
  CHECK(f.auth.check_password("nurse", secret("Sakura-Hana#2026"), web).result == status::denied);
  const auto lines = f.audit_lines();
  REQUIRE_FALSE(lines.empty());
  CHECK(lines.back().find("stored_hash_refused") != std::string::npos);
}
