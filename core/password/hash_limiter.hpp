// Each Argon2 hash takes memory_kib of RAM for a fraction of a second. A burst of logins (shift change,
// everyone at 8:30) must queue rather than run together, so peak memory stays near cap × memory_kib.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace sekisho::password {

class hash_limiter {
 public:
  // While held, one hash may run; released when destroyed.
  class [[nodiscard]] permit {
   public:
    permit(permit&& o) noexcept : owner_(o.owner_) { o.owner_ = nullptr; }
    permit(const permit&) = delete;
    permit& operator=(const permit&) = delete;
    permit& operator=(permit&&) = delete;
    ~permit();

   private:
    friend class hash_limiter;
    explicit permit(hash_limiter* owner) : owner_(owner) {}
    hash_limiter* owner_;
  };

  // max_concurrent ≥ 1.
  explicit hash_limiter(int max_concurrent);
  hash_limiter(const hash_limiter&) = delete;
  hash_limiter& operator=(const hash_limiter&) = delete;

  // Blocks until a permit is free. First come, first served, so no login waits behind later arrivals.
  permit acquire();

  int capacity() const { return capacity_; }
  int in_use() const;
  int waiting() const;
  // Most permits ever held at once: what peak memory was sized for (metrics, tests).
  int peak() const;
  // Permits handed out so far, held or returned: how many hashes ran under this cap (metrics, tests).
  std::uint64_t granted() const;

 private:
  void release();

  const int capacity_;
  mutable std::mutex m_;
  std::condition_variable cv_;
  std::uint64_t next_ticket_ = 0;  // handed to each caller in arrival order
  std::uint64_t released_ = 0;     // ticket t may run once t < released_ + capacity_
  int in_use_ = 0;
  int peak_ = 0;
};

}  // namespace sekisho::password
