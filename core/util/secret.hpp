// Secrets (passwords, codes, keys) live in `secret`: its memory is wiped on every release,
// so a freed buffer or a core dump does not keep a copy.
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace sekisho {

void wipe_memory(void* p, std::size_t n);

template <class T>
struct wiping_allocator {
  using value_type = T;
  wiping_allocator() = default;
  template <class U>
  wiping_allocator(const wiping_allocator<U>&) noexcept {}
  T* allocate(std::size_t n) { return std::allocator<T>{}.allocate(n); }
  void deallocate(T* p, std::size_t n) noexcept {
    wipe_memory(p, n * sizeof(T));
    std::allocator<T>{}.deallocate(p, n);
  }
  template <class U>
  bool operator==(const wiping_allocator<U>&) const noexcept { return true; }
};

class secret {
 public:
  using storage = std::basic_string<char, std::char_traits<char>, wiping_allocator<char>>;

  secret() = default;
  explicit secret(std::string_view v) : s_(v.data(), v.size()) {}
  secret(const secret& o) : s_(o.s_) {}
  secret(secret&& o) noexcept : s_(std::move(o.s_)) { o.wipe(); }
  secret& operator=(const secret& o) {
    if (this != &o) { wipe(); s_ = o.s_; }
    return *this;
  }
  secret& operator=(secret&& o) noexcept {
    if (this != &o) { wipe(); s_ = std::move(o.s_); o.wipe(); }
    return *this;
  }
  ~secret() { wipe(); }

  std::string_view view() const { return {s_.data(), s_.size()}; }
  const unsigned char* bytes() const { return reinterpret_cast<const unsigned char*>(s_.data()); }
  char* data() { return s_.data(); }
  std::size_t size() const { return s_.size(); }
  bool empty() const { return s_.empty(); }
  void resize(std::size_t n) { s_.resize(n); }
  void append(std::string_view v) { s_.append(v.data(), v.size()); }

 private:
  // The capacity includes the in-object short-string buffer, so short secrets are wiped too.
  void wipe() noexcept {
    wipe_memory(s_.data(), s_.capacity());
    s_.clear();
  }
  storage s_;
};

// Constant-time equality for secrets and their digests; length is not secret.
bool equal_constant_time(std::string_view a, std::string_view b);

}  // namespace sekisho
