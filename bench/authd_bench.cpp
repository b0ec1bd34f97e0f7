// Round-trip latency of authd's "ping" over persistent connections: the transport's own cost,
// which every login pays on top of its password hash. Goal: p99 < 1 ms.
// Usage: authd_bench            (starts a server in-process on a temporary socket)
//        authd_bench SOCKET     (measures a running authd)
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <thread>
#include <vector>

#include "authd/client.hpp"
#include "authd/server.hpp"

namespace {

using namespace sekisho;
using clock_type = std::chrono::steady_clock;

constexpr int total_requests = 20'000;

// Each client does its share of pings and records each round trip in microseconds.
bool run_clients(const std::filesystem::path& socket, int clients, std::vector<double>& latencies,
                 double& seconds) {
  std::vector<std::vector<double>> per_client(static_cast<std::size_t>(clients));
  std::vector<int> failures(static_cast<std::size_t>(clients), 0);
  const int each = total_requests / clients;
  const auto start = clock_type::now();
  std::vector<std::thread> threads;
  for (int i = 0; i < clients; ++i)
    threads.emplace_back([&, i] {
      auto& mine = per_client[static_cast<std::size_t>(i)];
      auto c = authd::client::connect(socket, std::chrono::milliseconds(5000));
      if (!c) {
        std::fprintf(stderr, "authd_bench: %s\n", c.message().c_str());
        failures[static_cast<std::size_t>(i)] = each;
        return;
      }
      const nlohmann::json ping = {{"op", "ping"}};
      mine.reserve(static_cast<std::size_t>(each));
      for (int k = 0; k < each; ++k) {
        const auto t0 = clock_type::now();
        auto r = c->call(ping);
        const auto t1 = clock_type::now();
        if (!r || (*r)["ok"] != true) {
          ++failures[static_cast<std::size_t>(i)];
          continue;
        }
        mine.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
      }
    });
  for (auto& t : threads) t.join();
  seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  latencies.clear();
  for (auto& v : per_client) latencies.insert(latencies.end(), v.begin(), v.end());
  int failed = 0;
  for (int f : failures) failed += f;
  if (failed > 0) std::fprintf(stderr, "authd_bench: %d requests failed\n", failed);
  return failed == 0;
}

double percentile(std::vector<double>& sorted, double p) {
  const auto index = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1));
  return sorted[index];
}

bool report(const std::filesystem::path& socket, int clients) {
  std::vector<double> lat;
  double seconds = 0;
  const bool ok = run_clients(socket, clients, lat, seconds);
  if (lat.empty()) return false;
  std::sort(lat.begin(), lat.end());
  const double p99 = percentile(lat, 0.99);
  std::printf("%d client%s, %zu pings: p50 %.0f us  p99 %.0f us  max %.0f us  %.0f requests/s  %s\n", clients,
              clients == 1 ? " " : "s", lat.size(), percentile(lat, 0.50), p99, lat.back(),
              static_cast<double>(lat.size()) / seconds, p99 < 1000.0 ? "(goal met)" : "(GOAL MISSED)");
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path socket;
  std::optional<authd::request_table> table;
  std::optional<authd::server> server;
  std::thread server_thread;
  std::string temp;

  if (argc > 1) {
    socket = argv[1];
  } else {
    temp = (std::filesystem::temp_directory_path() / "sekisho-bench-XXXXXX").string();
    if (::mkdtemp(temp.data()) == nullptr) {
      std::perror("authd_bench: mkdtemp");
      return 1;
    }
    socket = std::filesystem::path(temp) / "authd.sock";
    table.emplace();
    authd::register_builtin_requests(*table);
    server.emplace(socket, *table);
    if (auto r = server->listen(); !r) {
      std::fprintf(stderr, "authd_bench: %s\n", r.message().c_str());
      return 1;
    }
    server_thread = std::thread([&] { server->run(); });
  }

  std::printf("authd ping round trip on %s (goal: p99 < 1 ms)\n", socket.c_str());
  const bool ok = report(socket, 1) && report(socket, 4);

  if (server) {
    server->stop();
    server_thread.join();
    server.reset();
    std::error_code ec;
    std::filesystem::remove_all(temp, ec);
  }
  return ok ? 0 : 1;
}
