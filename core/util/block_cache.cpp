#include "core/util/block_cache.hpp"

#include <malloc.h>
#include <sys/random.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>

namespace sekisho {
namespace {

// A kept block's first two words: the masked link to the next kept block of its class, and the key.
struct free_block {
  std::uintptr_t next;
  std::uintptr_t mark;
};

std::uintptr_t make_key() {
  std::uintptr_t k = 0;
  if (getrandom(&k, sizeof k, GRND_NONBLOCK) != static_cast<ssize_t>(sizeof k) || k == 0)
    k = (reinterpret_cast<std::uintptr_t>(&k) * 0x9e3779b97f4a7c15u) | 1;  // early boot: ASLR's randomness
  return k;
}

// One key for the process, so that a block freed twice on different threads is found too. Made at the first
// use, which may come before this file's static initialisation.
std::atomic<std::uintptr_t> process_key{0};

[[gnu::noinline]] std::uintptr_t first_key() {
  std::uintptr_t made = make_key(), expected = 0;
  return process_key.compare_exchange_strong(expected, made) ? made : expected;
}

inline std::uintptr_t key() {
  const auto k = process_key.load(std::memory_order_relaxed);
  return k != 0 ? k : first_key();
}

// Without allocating: the allocator itself is what failed.
[[noreturn]] void stop(const char* why) {
  (void)!::write(STDERR_FILENO, why, std::strlen(why));
  std::abort();
}

}  // namespace

void* block_cache::allocate(std::size_t size) noexcept {
  // Class c keeps blocks of at least c * granule usable bytes (see deallocate), so any of them fits.
  const std::size_t c = size == 0 ? 1 : (size + granule - 1) / granule;
  if (c >= classes) return std::malloc(size);
  if (count_[c] == 0) {
    // 8 bytes past the class's size: with glibc's rounding the block's usable size is then c * granule + 8,
    // in this class when it comes back. With another malloc it only lands in another class.
    return std::malloc(c * granule + 8);
  }
  const auto k = key();
  auto* b = reinterpret_cast<free_block*>(head_[c] ^ k);
  if (b->mark != k) stop("sekisho: a freed memory block was written to; stopping\n");
  head_[c] = b->next;
  b->mark = 0;
  --count_[c];
  bytes_ -= c * granule;
  return b;
}

void block_cache::deallocate(void* block) noexcept {
  if (block == nullptr) return;
  const std::size_t c = malloc_usable_size(block) / granule;
  auto* b = static_cast<free_block*>(block);
  if (c == 0) return std::free(block);  // too small to hold the two words (never, with glibc)
  const auto k = key();
  if (b->mark == k) stop("sekisho: a memory block was freed twice; stopping\n");
  if (closed_ || c >= classes || count_[c] >= blocks_per_class || bytes_ + c * granule > byte_budget)
    return std::free(block);
  b->next = head_[c];
  b->mark = k;
  head_[c] = reinterpret_cast<std::uintptr_t>(b) ^ k;
  ++count_[c];
  bytes_ += c * granule;
}

void* block_cache::reallocate(void* block, std::size_t size) noexcept {
  if (block == nullptr) return allocate(size);
  if (size == 0) {
    deallocate(block);
    return nullptr;
  }
  return std::realloc(block, size);
}

void block_cache::close() noexcept {
  closed_ = true;
  for (std::size_t c = 1; c < classes; ++c)
    while (count_[c] > 0) std::free(allocate(c * granule));  // unmarked first: glibc may hand it out again
}

}  // namespace sekisho
