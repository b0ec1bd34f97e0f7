// The program's C++ allocations (operator new and delete; the array and nothrow forms call these) and
// OpenSSL's go through a per-thread block_cache in front of malloc: core/util/block_cache.hpp says why.
// Other C code (SQLite, libfido2) calls malloc itself. Under AddressSanitizer the sanitizer's own allocator
// stays for all of them, since it is what finds a use after free.
#include <new>

#include <openssl/crypto.h>

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

void release(void* p) noexcept {
  if (!closer_set) set_closer();
  cache.deallocate(p);
}

// OpenSSL allocates and frees about five blocks for each proxied request (its record layer's): through
// glibc, about 200 instructions a block, malloc and free together (callgrind, bench/RESULTS.md, "Nineteenth
// step").
void* openssl_malloc(std::size_t size, const char*, int) { return cache.allocate(size); }

void* openssl_realloc(void* p, std::size_t size, const char*, int) {
  if (!closer_set) set_closer();
  return cache.reallocate(p, size);
}

void openssl_free(void* p, const char*, int) { release(p); }

// OpenSSL takes these only before its first allocation: so at start-up, ahead of the program's own static
// initialisation (priority 101). Refused, OpenSSL keeps malloc, which is only slower.
[[gnu::constructor(101)]] void route_openssl_allocations() {
  (void)CRYPTO_set_mem_functions(openssl_malloc, openssl_realloc, openssl_free);
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

void operator delete(void* p) noexcept { release(p); }

void operator delete(void* p, std::size_t) noexcept { operator delete(p); }
#endif
