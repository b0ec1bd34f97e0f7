#include "core/password/hash_limiter.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

using namespace sekisho::password;

TEST_CASE("the limiter never lets more than its capacity run at once, and everyone gets a turn") {
  hash_limiter limiter(3);
  std::atomic<int> running{0};
  std::atomic<int> most{0};
  std::atomic<int> done{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 12; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        const auto permit = limiter.acquire();
        const int now = ++running;
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {}
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        --running;
        ++done;
      }
    });
  for (auto& t : threads) t.join();
  CHECK(done == 60);
  CHECK(most <= 3);
  CHECK(most >= 2);  // 12 threads contending: the permits are actually shared out
  CHECK(limiter.peak() <= 3);
  CHECK(limiter.in_use() == 0);
  CHECK(limiter.waiting() == 0);
}

TEST_CASE("a waiting caller proceeds as soon as a permit is released") {
  hash_limiter limiter(1);
  std::atomic<bool> second_ran{false};
  std::thread second;
  {
    const auto first = limiter.acquire();
    second = std::thread([&] {
      const auto p = limiter.acquire();
      second_ran = true;
    });
    while (limiter.waiting() == 0) std::this_thread::yield();
    CHECK_FALSE(second_ran.load());  // blocked while the only permit is held
  }
  second.join();
  CHECK(second_ran.load());
  CHECK(limiter.peak() == 1);
}
