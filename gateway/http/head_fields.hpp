// The fields of the heads the gateway proxies, kept in a per-request arena. Beast's fields allocate each
// field on its own: that was 12 of the 43 heap allocations of a proxied request for the bench's 2 KB page
// (perf probe on glibc's malloc).
#pragma once
#include <array>
#include <cstddef>
#include <memory_resource>

#include <boost/beast/http/fields.hpp>

namespace sekisho::gateway {

namespace http = boost::beast::http;

using head_allocator = std::pmr::polymorphic_allocator<char>;
// Default-constructed, they allocate from the heap as http::fields do.
using head_fields = http::basic_fields<head_allocator>;

// One request's memory for its heads: the first 4 KiB (which the heads of ordinary pages fit in) come from a
// buffer reused from request to request, and larger heads from the heap until reset(). Nothing is freed
// before then, so a head rewritten field by field costs its rewrites too: bounded by the head limits.
class head_arena {
 public:
  head_arena() = default;
  head_arena(const head_arena&) = delete;
  head_arena& operator=(const head_arena&) = delete;

  head_allocator allocator() { return head_allocator(&resource_); }
  // Only when no fields allocated from it are alive any more.
  void reset() { resource_.release(); }

 private:
  alignas(std::max_align_t) std::array<std::byte, 4096> memory_;
  std::pmr::monotonic_buffer_resource resource_{memory_.data(), memory_.size()};
};

}  // namespace sekisho::gateway
