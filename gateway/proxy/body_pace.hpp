// The least pace at which a client must send a request body. Each read already has a deadline (idle_timeout),
// but a client that sends a byte just inside it would hold its connection, and the upstream connection
// behind it, for as long as it liked: the slow-body ("R-U-Dead-Yet") attack, which a few hundred sockets
// turn against every app behind the gateway. A body may take `grace` of the gateway's waiting, plus one
// second for every `bytes_per_second` it has sent. Only the time spent waiting for the client counts: time
// spent writing to a slow upstream never makes a client look slow.
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdint>

namespace sekisho::gateway {

class body_pace {
 public:
  using clock = std::chrono::steady_clock;

  body_pace() = default;  // no floor (an upstream's response body): each read waits up to its timeout
  body_pace(std::uint64_t bytes_per_second, clock::duration grace) : rate_(bytes_per_second), grace_(grace) {}

  // The deadline of a read that starts `now` and would otherwise wait `idle`.
  clock::time_point deadline(clock::time_point now, clock::duration idle) const {
    if (rate_ == 0) return now + idle;
    const double earned = seconds(grace_) + static_cast<double>(received_) / static_cast<double>(rate_);
    const double left = earned - seconds(waited_);
    if (left >= seconds(idle)) return now + idle;
    return now + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(std::max(left, 0.0)));
  }

  // Bytes that came with the head, or from the buffer: sent without any waiting.
  void arrived(std::uint64_t bytes) { received_ += bytes; }
  // A read that started at `start` and ended `now` with `bytes`.
  void waited(clock::time_point start, clock::time_point now, std::uint64_t bytes) {
    waited_ += now - start;
    received_ += bytes;
  }

 private:
  static double seconds(clock::duration d) { return std::chrono::duration<double>(d).count(); }

  std::uint64_t rate_ = 0;  // 0: no floor
  clock::duration grace_{};
  std::uint64_t received_ = 0;
  clock::duration waited_{};
};

}  // namespace sekisho::gateway
