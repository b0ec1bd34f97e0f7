// The fields of the heads the gateway proxies: a flat table in insertion order, its strings in a per-request
// arena. It replaces Beast's basic_fields, which keeps a case-insensitive ordered set beside its list and
// allocates each field on its own: building and searching that set was about 7 % of a proxied request's
// instructions (callgrind), for heads of a dozen fields that a linear scan reads as fast.
//
// The interface is the part of basic_fields the gateway uses, with the same meaning: lookups ignore case,
// set() replaces every field of the name with one at the end, values are stored trimmed. One difference: the
// fields stay in the head's order, where basic_fields moves a repeated field next to the first of its name
// (the order within a name, the one that carries meaning, RFC 9110 §5.3, is the same). It is also a Beast
// Fields type, so http::header<…, head_fields> gives method(), keep_alive(), chunked() and the rest.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <memory_resource>
#include <span>
#include <string_view>
#include <vector>

#include <boost/beast/http/field.hpp>
#include <boost/optional/optional.hpp>

namespace sekisho::gateway {

namespace http = boost::beast::http;

// One request's memory for its heads: a buffer reused from request to request for the fields' names and
// values (taken by a bump of a pointer: a virtual call of the memory resource per string was 2 % of a request),
// another for the tables; larger heads spill to the heap until reset(). Nothing is freed before then, so a
// head rewritten field by field costs its rewrites too: bounded by the head limits.
class head_arena {
 public:
  head_arena() = default;
  head_arena(const head_arena&) = delete;
  head_arena& operator=(const head_arena&) = delete;

  // Room for `n` bytes of text.
  char* take(std::size_t n) {
    if (n > static_cast<std::size_t>(text_end_ - text_next_)) return static_cast<char*>(resource_.allocate(n, 1));
    char* p = text_next_;
    text_next_ += n;
    return p;
  }
  // A copy of `text` in the arena. Given a whole head to read (head_reader), its fields' names and values are
  // then kept where they are, not copied one by one (head_fields::copy). Falls back to the memory resource
  // for what the text buffer has no room for. Writable: a response's obs-fold is unfolded in place.
  std::span<char> keep(std::string_view text) {
    char* p = take(text.size());
    std::memcpy(p, text.data(), text.size());
    return {p, text.size()};
  }
  // Whether `s` lies in the text taken so far, which lives until reset().
  bool holds(std::string_view s) const {
    const auto at = reinterpret_cast<std::uintptr_t>(s.data());
    return at >= reinterpret_cast<std::uintptr_t>(text_.data()) &&
           at + s.size() <= reinterpret_cast<std::uintptr_t>(text_next_);
  }
  std::pmr::memory_resource& resource() { return resource_; }
  // Only when no fields allocated from it are alive any more.
  void reset() {
    resource_.release();
    text_next_ = text_.data();
  }

 private:
  std::array<char, 4096> text_;
  char* text_next_ = text_.data();
  char* const text_end_ = text_.data() + text_.size();
  alignas(std::max_align_t) std::array<std::byte, 4096> tables_;
  std::pmr::monotonic_buffer_resource resource_{tables_.data(), tables_.size()};
};

// `s` without the spaces and tabs around it. By hand, and inline: find_first_not_of(" \t") calls memchr for
// each character it looks at, and every field a head holds is trimmed as it is stored.
inline std::string_view trim_whitespace(std::string_view s) {
  const auto blank = [](char c) { return c == ' ' || c == '\t'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

// A field as a head carries it. name() is http::field::unknown for names Beast does not know.
class head_field {
 public:
  head_field(http::field id, std::string_view name, std::string_view value) : id_(id), name_(name), value_(value) {}
  http::field name() const { return id_; }
  std::string_view name_string() const { return name_; }
  std::string_view value() const { return value_; }

 private:
  http::field id_;
  std::string_view name_;
  std::string_view value_;
};

class head_fields {
 public:
  using value_type = head_field;
  using const_iterator = std::pmr::vector<head_field>::const_iterator;
  using iterator = const_iterator;  // fields change through set/insert/erase only, as in Beast

  // Strings in an arena of its own, freed with it: for heads built outside a request (tests, tools).
  head_fields();
  // Strings in the request's arena, which must outlive the fields.
  explicit head_fields(head_arena& arena);
  head_fields(head_fields&&) = default;
  head_fields& operator=(head_fields&&) = delete;  // the table's allocator would not follow its strings
  head_fields(const head_fields&) = delete;
  head_fields& operator=(const head_fields&) = delete;

  const_iterator begin() const { return fields_.begin(); }
  const_iterator end() const { return fields_.end(); }

  const_iterator find(http::field name) const;
  const_iterator find(std::string_view name) const;
  std::size_t count(http::field name) const;
  std::size_t count(std::string_view name) const;
  // The first such field's value, or empty.
  std::string_view operator[](http::field name) const;
  std::string_view operator[](std::string_view name) const;

  // Appended after every field there is.
  void insert(http::field name, std::string_view value);
  void insert(std::string_view name, std::string_view value);
  void insert(http::field name, std::string_view name_string, std::string_view value) {
    fields_.emplace_back(name, copy(name_string), copy(trim_whitespace(value)));
  }
  // Every field of that name removed, then one appended.
  void set(http::field name, std::string_view value);
  void set(std::string_view name, std::string_view value);
  // Erasing a field leaves its text in the arena: views into its name and value stay valid until reset().
  std::size_t erase(http::field name);
  std::size_t erase(std::string_view name);
  const_iterator erase(const_iterator at);
  void clear() { fields_.clear(); }

 protected:
  // Beast's Fields requirements, for http::header: the request line's method and target, the status line's
  // reason, and the framing and connection headers behind chunked(), content_length() and keep_alive().
  std::string_view get_method_impl() const { return method_; }
  std::string_view get_target_impl() const { return target_or_reason_; }
  std::string_view get_reason_impl() const { return target_or_reason_; }
  bool get_chunked_impl() const;
  bool get_keep_alive_impl(unsigned version) const;
  bool has_content_length_impl() const { return find(http::field::content_length) != end(); }
  void set_method_impl(std::string_view s) { method_ = copy(s); }
  void set_target_impl(std::string_view s) { target_or_reason_ = copy(s); }
  void set_reason_impl(std::string_view s) { target_or_reason_ = copy(s); }
  void set_chunked_impl(bool value);
  void set_content_length_impl(const boost::optional<std::uint64_t>& value);
  void set_keep_alive_impl(unsigned version, bool keep_alive);

 private:
  // Inline, as insert() is: a head reader inserts every field it reads, and the calls were most of the cost.
  std::string_view copy(std::string_view s) {
    if (s.empty()) return {};
    if (arena_->holds(s)) return s;  // already the arena's: a head kept whole, or a field's own value
    const auto kept = arena_->keep(s);
    return {kept.data(), kept.size()};
  }
  template <class Matches>
  std::size_t erase_matching(Matches matches);

  std::unique_ptr<head_arena> own_;  // when not given one
  head_arena* arena_;
  std::pmr::vector<head_field> fields_;
  std::string_view method_;
  std::string_view target_or_reason_;
};

}  // namespace sekisho::gateway
