#include "cli/args.hpp"

namespace sekisho::cli {

std::string args::get(std::string_view option, std::string fallback) const {
  auto it = options.find(std::string(option));
  return it == options.end() || it->second.empty() ? fallback : it->second.back();
}

std::vector<std::string> args::all(std::string_view option) const {
  auto it = options.find(std::string(option));
  return it == options.end() ? std::vector<std::string>{} : it->second;
}

result<args> parse_args(const std::vector<std::string>& argv, const arg_spec& spec) {
  args out;
  bool only_positional = false;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (only_positional || a.size() < 2 || a.rfind("--", 0) != 0) {
      if (!only_positional && a.size() > 1 && a[0] == '-' && a != "-") return make_error("unknown option " + a);
      out.positional.push_back(a);
      continue;
    }
    if (a == "--") {
      only_positional = true;
      continue;
    }
    auto eq = a.find('=');
    std::string name = a.substr(0, eq);
    if (spec.flags.count(name)) {
      if (eq != std::string::npos) return make_error(name + " takes no value");
      out.flags.insert(name);
    } else if (spec.options.count(name)) {
      if (eq != std::string::npos) {
        out.options[name].push_back(a.substr(eq + 1));
      } else if (i + 1 < argv.size()) {
        out.options[name].push_back(argv[++i]);
      } else {
        return make_error(name + " needs a value");
      }
    } else {
      return make_error("unknown option " + name);
    }
  }
  if (out.positional.size() < spec.min_positional) return make_error("missing argument");
  if (out.positional.size() > spec.max_positional)
    return make_error("unexpected argument '" + out.positional[spec.max_positional] + "'");
  return out;
}

}  // namespace sekisho::cli
