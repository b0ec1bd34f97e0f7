// Password verification at the default Argon2id parameters (m=64 MiB, t=3, p=1) with the default cap of 2
// concurrent hashes: (a) verifications per second from 2 threads, (b) peak RSS while 50 threads verify at
// once, against the goal RSS ≤ cap × m + 64 MiB (the cap must make a login burst queue, not swap).
// Usage: password_bench   (about 20–30 s; exit status 2 when the RSS goal is missed)
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "core/password/password_hasher.hpp"

namespace {

using namespace sekisho;
using clock_type = std::chrono::steady_clock;

constexpr int cap = 2;
constexpr int burst = 50;
constexpr auto run_time = std::chrono::seconds(10);

// A line "Key:   123 kB" from /proc/self/status, in KiB; -1 when absent.
long status_kib(const std::string& key) {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind(key + ":", 0) == 0) return std::stol(line.substr(key.size() + 1));
  return -1;
}

// Writing 5 to clear_refs resets VmHWM, so the burst's peak is not mixed with earlier phases.
bool reset_peak_rss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

}  // namespace

int main() {
  const password::argon2_params params;  // the defaults a fresh install uses
  password::password_hasher hasher(params, cap);
  const auto phc = hasher.hash("Tr0ub4dor&3x");
  if (!phc) {
    std::fprintf(stderr, "hash failed: %s\n", phc.message().c_str());
    return 1;
  }

  // (a) Throughput: two threads verifying back to back, as two busy login workers would.
  std::atomic<long> verified{0};
  std::atomic<bool> wrong{false};
  const auto start = clock_type::now();
  {
    std::vector<std::thread> workers;
    for (int t = 0; t < 2; ++t)
      workers.emplace_back([&] {
        while (clock_type::now() - start < run_time) {
          if (!hasher.verify(*phc, "Tr0ub4dor&3x").match) wrong = true;
          ++verified;
        }
      });
    for (auto& w : workers) w.join();
  }
  const double per_sec = static_cast<double>(verified.load()) / seconds_since(start);

  // (b) Burst: 50 logins arrive together (shift change); the cap makes them queue.
  const long rss_before_kib = status_kib("VmRSS");
  const bool peak_reset = reset_peak_rss();
  const auto burst_start = clock_type::now();
  {
    std::vector<std::thread> logins;
    for (int t = 0; t < burst; ++t)
      logins.emplace_back([&] {
        if (!hasher.verify(*phc, "Tr0ub4dor&3x").match) wrong = true;
      });
    for (auto& l : logins) l.join();
  }
  const double burst_seconds = seconds_since(burst_start);
  const long peak_kib = status_kib("VmHWM");
  const double goal_mib = cap * params.memory_kib / 1024.0 + 64.0;
  const double peak_mib = static_cast<double>(peak_kib) / 1024.0;

  std::printf("password_params m=%u KiB t=%u p=%u cap=%d\n", params.memory_kib, params.iterations,
              params.parallelism, cap);
  std::printf("password_verify_per_sec %.2f\n", per_sec);
  std::printf("password_verify_ms %.0f\n", per_sec > 0 ? 2000.0 / per_sec : 0.0);
  std::printf("password_rss_before_burst_mib %.1f\n", static_cast<double>(rss_before_kib) / 1024.0);
  std::printf("password_burst_verifications %d\n", burst);
  std::printf("password_burst_seconds %.2f\n", burst_seconds);
  std::printf("password_burst_peak_in_use %d\n", hasher.limiter().peak());
  std::printf("password_burst_peak_rss_mib %.1f%s\n", peak_mib, peak_reset ? "" : " (VmHWM not reset: includes phase a)");
  std::printf("password_rss_goal RSS <= cap x m + 64 MiB = %.0f MiB: %s\n", goal_mib, peak_mib <= goal_mib ? "met" : "MISSED");
  if (wrong) {
    std::fprintf(stderr, "a verification of the right password failed\n");
    return 1;
  }
  return peak_mib <= goal_mib ? 0 : 2;
}
