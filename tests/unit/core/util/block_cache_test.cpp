#include "core/util/block_cache.hpp"

#include <malloc.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

using namespace sekisho;

namespace {

constexpr int stopped_by_sanitizer = -1;

// Runs `f` in a child process and returns the signal that ended it: 0 when it exited with 0, 7 or 8 (the
// children's own codes), stopped_by_sanitizer when it exited with another.
template <class F>
int signal_ending(F f) {
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(STDERR_FILENO);  // the cache's own message is expected
    std::signal(SIGABRT, SIG_DFL);  // not doctest's crash report: the parent reads the signal
    std::signal(SIGSEGV, SIG_DFL);
    f();
    ::_exit(0);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  if (WIFSIGNALED(status)) return WTERMSIG(status);
  const int code = WEXITSTATUS(status);
  return code == 0 || code == 7 || code == 8 ? 0 : stopped_by_sanitizer;
}

}  // namespace

TEST_CASE("every block holds the size asked for, new or reused") {
  block_cache cache;
  std::vector<void*> blocks;
  for (std::size_t size = 0; size <= block_cache::largest + 100; size += 7) {
    void* p = cache.allocate(size);
    REQUIRE(p != nullptr);
    CHECK(malloc_usable_size(p) >= size);
    std::memset(p, 0xA5, size);
    blocks.push_back(p);
  }
  for (void* p : blocks) cache.deallocate(p);
  // Now out of the cache, in the other order of sizes: each still holds what is asked.
  for (std::size_t size = block_cache::largest + 100;; size -= 7) {
    void* p = cache.allocate(size);
    CHECK(malloc_usable_size(p) >= size);
    std::memset(p, 0x5A, size);
    cache.deallocate(p);
    if (size < 7) break;
  }
  cache.close();
}

TEST_CASE("a freed block is the next one of its size, and only of sizes it holds") {
  block_cache cache;
  void* p = cache.allocate(200);
  cache.deallocate(p);
  CHECK(cache.kept_bytes() > 0);
  CHECK(cache.allocate(200) == p);
  CHECK(cache.kept_bytes() == 0);
  cache.deallocate(p);
  void* larger = cache.allocate(malloc_usable_size(p) + 1);
  CHECK(larger != p);
  CHECK(malloc_usable_size(larger) > malloc_usable_size(p));
  cache.deallocate(larger);
  cache.close();
}

TEST_CASE("what a thread keeps is bounded, per size and in all") {
  block_cache cache;
  std::vector<void*> blocks;
  for (std::size_t i = 0; i < 2 * block_cache::blocks_per_class; ++i) blocks.push_back(cache.allocate(64));
  for (void* p : blocks) cache.deallocate(p);
  CHECK(cache.kept_bytes() <= block_cache::blocks_per_class * 80);
  blocks.clear();
  for (std::size_t size = 16; size <= block_cache::largest; size += 16)
    for (int i = 0; i < 16; ++i) blocks.push_back(cache.allocate(size));
  for (void* p : blocks) cache.deallocate(p);
  CHECK(cache.kept_bytes() <= block_cache::byte_budget);
  CHECK(cache.kept_bytes() > block_cache::byte_budget / 2);
  cache.close();
}

TEST_CASE("blocks larger than the cache's largest class go straight back to malloc") {
  block_cache cache;
  cache.deallocate(cache.allocate(block_cache::largest + block_cache::granule));
  cache.deallocate(cache.allocate(1 << 20));
  CHECK(cache.kept_bytes() == 0);
}

TEST_CASE("a closed cache keeps nothing: the thread is ending") {
  block_cache cache;
  void* a = cache.allocate(100);
  void* b = cache.allocate(100);
  cache.deallocate(a);
  cache.close();
  CHECK(cache.kept_bytes() == 0);
  cache.deallocate(b);
  CHECK(cache.kept_bytes() == 0);
}

TEST_CASE("a block freed on another thread is kept by that thread's cache") {
  block_cache here, there;
  void* p = here.allocate(300);
  std::thread([&] { there.deallocate(p); }).join();
  CHECK(there.allocate(300) == p);
  there.deallocate(p);
  there.close();
  here.close();
}

TEST_CASE("freeing a block twice stops the program, on the same thread's cache or another's") {
  CHECK(signal_ending([] {
          block_cache cache;
          void* p = cache.allocate(48);
          cache.deallocate(p);
          cache.deallocate(p);
        }) == SIGABRT);
  CHECK(signal_ending([] {
          block_cache one, other;
          void* p = one.allocate(48);
          one.deallocate(p);
          other.deallocate(p);
        }) == SIGABRT);
  // Freed once, then taken again: freeing it is fine.
  CHECK(signal_ending([] {
          block_cache cache;
          void* p = cache.allocate(48);
          cache.deallocate(p);
          cache.deallocate(cache.allocate(48));
          cache.close();
        }) == 0);
}

TEST_CASE("a kept block written to through a dangling pointer is never handed out") {
  static char target[64];
  // The mark overwritten: the block itself is refused.
  CHECK(signal_ending([] {
          block_cache cache;
          auto* p = static_cast<char**>(cache.allocate(48));
          cache.deallocate(p);
          p[1] = nullptr;
          (void)cache.allocate(48);
        }) == SIGABRT);
  // The link overwritten with an address of the attacker's choosing: it is stored masked with the key, so the
  // forged one decodes to an address nobody chose and the cache stops rather than hand out `target`.
  const int ended = signal_ending([] {
    block_cache cache;
    void* first = cache.allocate(48);
    auto* p = static_cast<char**>(cache.allocate(48));
    cache.deallocate(first);
    cache.deallocate(p);
    p[0] = target;
    (void)cache.allocate(48);
    if (cache.allocate(48) == target) ::_exit(7);
    ::_exit(8);
  });
  // Under AddressSanitizer the crash is reported and the child exits with the sanitizer's code instead.
  CHECK((ended == SIGABRT || ended == SIGSEGV || ended == stopped_by_sanitizer));
}

TEST_CASE("reallocate is C's realloc for the cache's blocks, kept or new (OpenSSL's allocations use it)") {
  block_cache cache;
  CHECK(cache.reallocate(cache.allocate(40), 0) == nullptr);  // freed: kept for the next block of its size
  CHECK(cache.kept_bytes() > 0);
  // nullptr: a block as allocate() gives it, here the one just kept.
  auto* p = static_cast<char*>(cache.reallocate(nullptr, 40));
  REQUIRE(p != nullptr);
  CHECK(cache.kept_bytes() == 0);
  std::memcpy(p, "a record layer's state, 40 bytes long..", 40);
  auto* grown = static_cast<char*>(cache.reallocate(p, 3000));
  REQUIRE(grown != nullptr);
  CHECK(malloc_usable_size(grown) >= 3000);
  CHECK(std::memcmp(grown, "a record layer's state, 40 bytes long..", 40) == 0);
  cache.deallocate(grown);
  cache.close();
}
