// A worker's spare relay buffers. A relay buffer is 64 KiB: allocating and zeroing one per request cost
// more than the rest of a small request's work, and returning it to the system made the next request
// fault its pages in again. Finished requests give theirs back; a few are kept for the next ones.
#pragma once
#include <memory>
#include <vector>

#include "gateway/proxy/relay.hpp"

namespace sekisho::gateway {

class relay_buffers {
 public:
  // A buffer for one request, given back when the lease ends.
  class lease {
   public:
    lease(relay_buffers& owner, std::unique_ptr<relay_buffer> b) : owner_(&owner), buffer_(std::move(b)) {}
    lease(lease&&) = delete;
    ~lease() { owner_->give_back(std::move(buffer_)); }
    relay_buffer& operator*() { return *buffer_; }

   private:
    relay_buffers* owner_;
    std::unique_ptr<relay_buffer> buffer_;
  };

  lease take() {
    if (spare_.empty()) return lease(*this, std::make_unique_for_overwrite<relay_buffer>());
    auto b = std::move(spare_.back());
    spare_.pop_back();
    return lease(*this, std::move(b));
  }

 private:
  // Enough for 64 requests in flight at once on a worker: with 16, wrk at 64 connections made 0.65 of the
  // requests allocate and free a 64 KiB buffer. At most 4 MiB per worker, of which only pages a body used.
  static constexpr std::size_t max_spare = 64;

  void give_back(std::unique_ptr<relay_buffer> b) {
    b->clear();
    if (spare_.size() < max_spare) spare_.push_back(std::move(b));
  }

  std::vector<std::unique_ptr<relay_buffer>> spare_;
};

}  // namespace sekisho::gateway
