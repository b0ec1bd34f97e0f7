// For the harnesses that compare the gateway's reading of a head with Beast's: a head's fields grouped by
// name, each name's in the order the head gave them. Beast's basic_fields moves a repeated field next to the
// first of its name; the gateway's table keeps the head's order. The order within a name is the one that
// carries meaning (RFC 9110 §5.3) and must be the same.
#pragma once
#include <algorithm>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/http/field.hpp>

namespace sekisho::fuzz {

inline void check(bool ok) {
  if (!ok) std::abort();
}

template <class Value>
struct field_seen {
  std::string key;  // the name in lower case: fields are compared name by name
  boost::beast::http::field id;
  std::string_view name;
  Value value;
  bool operator==(const field_seen&) const = default;
};

// `value_of` maps a field's value to what is compared of it.
template <class Fields, class ValueOf>
auto by_name(const Fields& fields, ValueOf value_of) {
  using seen = field_seen<decltype(value_of(std::string_view()))>;
  std::vector<seen> out;
  for (const auto& f : fields) {
    std::string key(f.name_string());
    for (auto& c : key) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    out.push_back({key, f.name(), f.name_string(), value_of(f.value())});
  }
  std::stable_sort(out.begin(), out.end(), [](const seen& a, const seen& b) { return a.key < b.key; });
  return out;
}

}  // namespace sekisho::fuzz
