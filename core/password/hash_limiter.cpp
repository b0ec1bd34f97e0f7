#include "core/password/hash_limiter.hpp"

#include <algorithm>
#include <stdexcept>

namespace sekisho::password {

hash_limiter::permit::~permit() {
  if (owner_ != nullptr) owner_->release();
}

hash_limiter::hash_limiter(int max_concurrent) : capacity_(max_concurrent) {
  // Configuration is validated before this point; zero would deadlock every login.
  if (max_concurrent < 1) throw std::invalid_argument("password.max_concurrent_hashes must be at least 1");
}

hash_limiter::permit hash_limiter::acquire() {
  std::unique_lock lock(m_);
  const std::uint64_t ticket = next_ticket_++;
  const auto cap = static_cast<std::uint64_t>(capacity_);
  cv_.wait(lock, [&] { return ticket < released_ + cap; });
  ++in_use_;
  peak_ = std::max(peak_, in_use_);
  return permit(this);
}

void hash_limiter::release() {
  {
    std::lock_guard lock(m_);
    --in_use_;
    ++released_;
  }
  cv_.notify_all();  // waiters check their own ticket; only the next in line proceeds
}

int hash_limiter::in_use() const {
  std::lock_guard lock(m_);
  return in_use_;
}

int hash_limiter::waiting() const {
  std::lock_guard lock(m_);
  return static_cast<int>(next_ticket_ - released_) - in_use_;
}

int hash_limiter::peak() const {
  std::lock_guard lock(m_);
  return peak_;
}

std::uint64_t hash_limiter::granted() const {
  std::lock_guard lock(m_);
  return released_ + static_cast<std::uint64_t>(in_use_);
}

}  // namespace sekisho::password
