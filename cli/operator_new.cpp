// The program's C++ allocations (operator new and delete; the array and nothrow forms call these) go through
// a per-thread block_cache in front of malloc: core/util/block_cache.hpp says why. C code (OpenSSL, SQLite)
// calls malloc itself and is not affected. Under AddressSanitizer the sanitizer's own operators stay, since
// they are what find a use after free.
#include <new>

#include "core/util/block_cache.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define SEKISHO_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SEKISHO_SANITIZED 1
#endif
#endif

#ifndef SEKISHO_SANITIZED
namespace {

thread_local sekisho::block_cache cache;  // constant-initialised: no guard on each use
thread_local bool closer_set = false;

// Gives the thread's kept blocks back to malloc when the thread ends; set up by the thread's first delete,
// so that blocks freed after it (by destructors that run later) go to free() at once.
struct cache_closer {
  ~cache_closer() { cache.close(); }
};

[[gnu::noinline]] void set_closer() {
  thread_local cache_closer closer;
  closer_set = true;
}

}  // namespace

void* operator new(std::size_t size) {
  for (;;) {
    if (void* p = cache.allocate(size)) return p;
    const auto handler = std::get_new_handler();
    if (handler == nullptr) throw std::bad_alloc();
    handler();
  }
}

void operator delete(void* p) noexcept {
  if (!closer_set) set_closer();
  cache.deallocate(p);
}

void operator delete(void* p, std::size_t) noexcept { operator delete(p); }
#endif
