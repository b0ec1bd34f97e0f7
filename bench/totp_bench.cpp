// TOTP verifications per second on one thread: a valid current code (found at the first step
// tried) and a wrong code (all three steps of window 1 checked). Goal: ≥ 20000/s on one core.
// Usage: totp_bench   (exit status 2 when below the goal)
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>

#include "core/totp/totp.hpp"

namespace {

using namespace sekisho;
using clock_type = std::chrono::steady_clock;

constexpr auto run_time = std::chrono::seconds(3);

// Calls verify_code for about run_time; returns verifications per second, or -1 if the
// outcome was not the expected one (a benchmark of a broken verifier is worthless).
double measure(const std::string& secret, const std::string& code, std::int64_t now, bool expect_ok) {
  const totp::totp_params p;
  long count = 0;
  const auto start = clock_type::now();
  auto elapsed = clock_type::duration::zero();
  while (elapsed < run_time) {
    for (int i = 0; i < 256; ++i) {
      if (totp::verify_code(secret, p, code, now, 1).has_value() != expect_ok) return -1;
    }
    count += 256;
    elapsed = clock_type::now() - start;
  }
  return static_cast<double>(count) / std::chrono::duration<double>(elapsed).count();
}

}  // namespace

int main() {
  const std::string secret = totp::generate_secret(totp_algorithm::sha1);
  const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
  const totp::totp_params p;
  const std::string valid = totp::generate_code(secret, p, now);
  // A code that matches none of the steps T−1, T, T+1.
  std::string wrong = "000000";
  for (int n = 0; n < 1000000; ++n) {
    std::snprintf(wrong.data(), wrong.size() + 1, "%06d", n);
    if (!totp::verify_code(secret, p, wrong, now, 1)) break;
  }

  const double ok = measure(secret, valid, now, true);
  const double bad = measure(secret, wrong, now, false);
  if (ok < 0 || bad < 0) {
    std::fputs("totp_bench: verify_code gave an unexpected result\n", stderr);
    return 1;
  }
  std::printf("totp_verify_per_sec_valid %.0f\n", ok);
  std::printf("totp_verify_per_sec_wrong %.0f\n", bad);
  std::printf("(goal \u2265 20000/s on one core)\n");
  return ok >= 20000 && bad >= 20000 ? 0 : 2;
}
