// The gateway's own counters for /.sekisho/metrics: requests by upstream and status, their latency, and the latency
// of calls to authd. Each worker keeps its own set and touches it only on its own thread, so counting takes no lock
// and no atomic; /.sekisho/metrics asks every worker, on its thread, for a copy and adds them up.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace sekisho::gateway {

struct access_record;

// Upper bounds in seconds, fixed so every worker's histograms add up (Prometheus's default buckets).
inline constexpr std::array<double, 11> latency_buckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                           0.5,   1,    2.5,   5,    10};

struct histogram {
  std::array<std::uint64_t, latency_buckets.size() + 1> counts{};  // per bucket, not cumulative; the last is +Inf
  double sum = 0;
  std::uint64_t count = 0;

  void observe(double seconds);
  histogram& operator+=(const histogram& o);
};

// The label the gateway's own answers (portal pages, denials, malformed requests) are counted under.
inline constexpr std::string_view no_upstream = "-";

class gateway_metrics {
 public:
  struct upstream_counts {
    std::map<unsigned, std::uint64_t> by_status;
    histogram seconds;
  };
  struct authd_counts {
    histogram seconds;
    std::uint64_t errors = 0;  // no reply: authd down, timed out, or a broken frame
  };
  using upstream_map = std::map<std::string, upstream_counts, std::less<>>;
  using authd_map = std::map<std::string, authd_counts, std::less<>>;

  // One finished request, from its access record (upstream, status, total time).
  void record_request(const access_record& r);
  void record_request(std::string_view upstream, unsigned status, double seconds);
  void record_authd_call(std::string_view op, double seconds, bool answered);

  gateway_metrics& operator+=(const gateway_metrics& o);

  const upstream_map& requests() const { return requests_; }
  const authd_map& authd_calls() const { return authd_; }

  // The access log's writer, one for every worker (gather_metrics reads it): lines lost since the start, and
  // whether its file refuses lines now.
  struct access_log_counts {
    std::uint64_t lines_lost = 0;
    bool failing = false;
  };
  access_log_counts access_log;

 private:
  upstream_map requests_;  // by upstream name (no_upstream for the gateway's own answers)
  authd_map authd_;        // by op
};

}  // namespace sekisho::gateway
