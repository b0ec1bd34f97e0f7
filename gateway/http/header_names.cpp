#include "gateway/http/header_names.hpp"

#include <algorithm>
#include <cstdint>

#include <boost/beast/core/string.hpp>

#include "core/util/byte_words.hpp"

namespace sekisho::gateway {

namespace {

template <class Predicate>
void erase_fields_if(head_fields& h, Predicate matches) {
  for (auto it = h.begin(); it != h.end();) it = matches(it->name_string()) ? h.erase(it) : std::next(it);
}

}  // namespace

std::string header_key(std::string_view name) {
  std::string key(name);
  std::transform(key.begin(), key.end(), key.begin(), header_key_char);
  return key;
}

void erase_all_variants(head_fields& h, std::string_view name) { erase_all_variants(h, {&name, 1}); }

void erase_all_variants(head_fields& h, std::span<const std::string_view> names) {
  // Most fields have a length no name has: one bit test skips them.
  std::uint64_t lengths = 0;
  for (auto name : names) lengths |= name.size() < 64 ? std::uint64_t{1} << name.size() : 0;
  erase_fields_if(h, [names, lengths](std::string_view n) {
    if (n.size() < 64 && (lengths & (std::uint64_t{1} << n.size())) == 0) return false;
    return named_in(n, names);
  });
}

void erase_misspelled_variants(head_fields& h, std::string_view name) {
  erase_fields_if(h, [name](std::string_view n) { return same_header(n, name) && !boost::beast::iequals(n, name); });
}

std::vector<std::string_view> split_list(std::string_view value) {
  std::vector<std::string_view> items;
  for_each_list_item(value, [&items](std::string_view item) { items.push_back(item); });
  return items;
}

bool safe_header_value(std::string_view value) {
  // Eight bytes at a time while none is a control: each value added to a request comes here.
  const char* end = value.data() + value.size();
  return std::none_of(skip_control_free_words(value.data(), end), end, [](char c) {
    const auto b = static_cast<unsigned char>(c);
    return (b < 0x20 && b != '\t') || b == 0x7f;
  });
}

}  // namespace sekisho::gateway
