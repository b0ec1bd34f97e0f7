// A head's fields as a list of plain values, in order, for tests to compare the gateway's table with Beast's.
#pragma once
#include <string>
#include <vector>

#include <boost/beast/http/field.hpp>

namespace sekisho::gateway::testing {

struct seen {
  boost::beast::http::field id;
  std::string name, value;
  bool operator==(const seen&) const = default;
};

template <class Fields>
std::vector<seen> fields_of(const Fields& f) {
  std::vector<seen> out;
  for (const auto& x : f) out.push_back({x.name(), std::string(x.name_string()), std::string(x.value())});
  return out;
}

}  // namespace sekisho::gateway::testing
