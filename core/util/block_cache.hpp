// A per-thread cache of freed memory blocks by size, in front of malloc, for the program's C++ allocations
// and OpenSSL's (cli/operator_new.cpp). The gateway allocates and frees about 27 C++ blocks for each proxied
// request, most of them coroutine frames of a few hundred bytes to 2 KiB: Asio 1.74 keeps one freed frame
// per thread, and one of the wrong size is given back to malloc. glibc's own per-thread cache stops at
// 1,032 bytes, and a block allocated and freed through it cost about 190 instructions; through this cache,
// about 110 (callgrind, bench/RESULTS.md, "Ninth step").
//
// Hardening as glibc's cache has it: a freed block is marked with a random key, and freeing a marked block
// again stops the program; the list links are stored masked with that key, so a write through a dangling
// pointer cannot hand out an address of its choosing.
#pragma once
#include <cstddef>
#include <cstdint>

namespace sekisho {

class block_cache {
 public:
  static constexpr std::size_t granule = 16;
  // Larger blocks go straight to malloc and free. 8 KiB: a client connection's head buffer, taken for each
  // request and given back between requests so that an idle connection holds none, is that size.
  static constexpr std::size_t largest = 8192;
  static constexpr std::size_t classes = largest / granule + 1;
  static constexpr std::size_t blocks_per_class = 128;  // as glibc's own was tuned before this cache (RESULTS.md, "Fifth step")
  static constexpr std::size_t byte_budget = 2 * 1024 * 1024;  // what one thread may keep in all

  // At least `size` bytes, aligned as malloc aligns; nullptr when malloc has none.
  void* allocate(std::size_t size) noexcept;
  // A block from allocate() (on any thread), or nullptr. Kept for reuse, or freed when the cache is full.
  void deallocate(void* block) noexcept;
  // As C's realloc, for a block from allocate() or nullptr (which is allocate()); a size of 0 frees the block
  // and gives nullptr. The block moves to malloc's realloc: every block, kept or new, is one of malloc's.
  void* reallocate(void* block, std::size_t size) noexcept;
  // Frees every kept block; later ones are freed at once (the thread is ending).
  void close() noexcept;

  std::size_t kept_bytes() const { return bytes_; }

 private:
  std::uintptr_t head_[classes] = {};  // masked address of each class's first free block
  std::uint16_t count_[classes] = {};
  std::size_t bytes_ = 0;
  bool closed_ = false;
};

}  // namespace sekisho
