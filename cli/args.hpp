// A small, strict argument parser: every option must be declared, so a typo is an error
// instead of being silently ignored.
#pragma once
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/result.hpp"

namespace sekisho::cli {

struct args {
  std::vector<std::string> positional;
  std::map<std::string, std::vector<std::string>> options;  // "--group" → values
  std::set<std::string> flags;                               // "--admin"

  bool has(std::string_view flag) const { return flags.count(std::string(flag)) > 0; }
  std::string get(std::string_view option, std::string fallback = {}) const;
  std::vector<std::string> all(std::string_view option) const;
};

struct arg_spec {
  std::set<std::string> options;  // take a value: --name VALUE or --name=VALUE
  std::set<std::string> flags;    // no value
  std::size_t min_positional = 0;
  std::size_t max_positional = 0;
};

result<args> parse_args(const std::vector<std::string>& argv, const arg_spec& spec);

}  // namespace sekisho::cli
