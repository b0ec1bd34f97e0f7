// Argon2id password hashes in PHC string form ($argon2id$v=19$m=…,t=…,p=…$salt$hash), via libsodium.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/password/hash_limiter.hpp"
#include "core/util/result.hpp"

namespace sekisho::password {

// Longer input is refused before hashing: nobody types more, and a megabyte "password" is a DoS.
inline constexpr std::size_t max_password_bytes = 1024;

// The most a hash may cost: the bounds config puts on password.memory_kib and password.iterations.
// A stored hash asking for more (a damaged or tampered row, a foreign import) is refused unverified,
// so one row cannot make authd allocate gigabytes or spin for minutes.
inline constexpr std::uint32_t max_memory_kib = 4194304;  // 4 GiB
inline constexpr std::uint32_t max_iterations = 100;

// OWASP's first Argon2id choice (m=64 MiB, t=3, p=1). libsodium computes one lane, so parallelism is 1.
struct argon2_params {
  std::uint32_t memory_kib = 65536;
  std::uint32_t iterations = 3;
  std::uint32_t parallelism = 1;
};

class password_hasher {
 public:
  // Throws std::invalid_argument on parameters libsodium cannot use or above the maximums (configuration
  // is checked at start-up). Computes one dummy hash, so construction takes as long as one verification.
  // This hasher's own limiter allows max_concurrent_hashes at once.
  password_hasher(argon2_params params, int max_concurrent_hashes);
  // Shares `limiter` (which must outlive the hasher) with other hashers, so one cap covers every kind
  // of hash a process computes (login passwords and recovery codes).
  password_hasher(argon2_params params, hash_limiter& limiter);
  password_hasher(password_hasher&&) noexcept;
  password_hasher& operator=(password_hasher&&) noexcept;
  ~password_hasher();

  // NFKC-normalises first. Fails on invalid UTF-8, input over max_password_bytes, or no memory.
  result<std::string> hash(std::string_view password) const;

  struct verdict {
    bool match = false;
    bool needs_rehash = false;  // stored parameters differ from the configured ones: store hash() anew
    bool refused = false;       // the stored hash asks for more than max_memory_kib or max_iterations
  };
  // An empty or unparsable stored hash (unknown user, no password set) costs the same time as a real
  // check and never matches, so response time does not reveal which user names exist. A stored hash
  // over the cost maximums is never computed: it does not match and `refused` says why.
  verdict verify(std::string_view phc_or_empty, std::string_view password) const;

  const argon2_params& params() const { return params_; }
  const hash_limiter& limiter() const { return *limiter_; }

 private:
  void start();

  argon2_params params_;
  std::unique_ptr<hash_limiter> own_limiter_;  // empty when shared; a pointer keeps the hasher movable
  hash_limiter* limiter_;                      // own_limiter_ or the caller's
  std::string dummy_phc_;
};

}  // namespace sekisho::password
