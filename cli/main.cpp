// `sekisho`: one binary, many subcommands (DESIGN.md "Contracts").
#include <sys/resource.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "cli/command.hpp"
#include "core/config/config.hpp"
#include "core/store/database.hpp"

using namespace sekisho::cli;

namespace {

std::vector<command> every_command() {
  std::vector<command> all;
  for (auto part : {init_commands, user_commands, factor_commands, audit_commands, backup_commands, rotate_keys_commands, daemon_commands, gateway_commands, run_commands, session_commands, break_glass_commands, host_commands})
    for (auto& c : part()) all.push_back(c);
  return all;
}

void print_overview(const std::vector<command>& all) {
  std::cout << "Usage: sekisho [--config FILE] COMMAND [ARGS]\n"
               "Two-factor gate for hospital systems. Default config: "
            << sekisho::default_config_path << "\n\nCommands:\n";
  for (const auto& c : all) {
    std::string name(c.name);
    std::cout << "  " << name << std::string(name.size() < 24 ? 24 - name.size() : 1, ' ') << c.summary << "\n";
  }
  std::cout << "\nRun `sekisho COMMAND --help` for a command's arguments.\n";
}

void print_usage(const command& c) {
  std::cout << "Usage: sekisho " << c.name << " " << c.usage << "\n\n"
            << c.summary << "\n\nEvery command also takes --config FILE (default "
            << sekisho::default_config_path << ").\n";
}

// Secrets pass through this process: no core dumps that could carry them.
void forbid_core_dumps() {
  rlimit none{0, 0};
  setrlimit(RLIMIT_CORE, &none);
}

}  // namespace

int main(int argc, char** argv) {
  forbid_core_dumps();
  std::vector<std::string> words(argv + 1, argv + argc);
  std::filesystem::path config_path{std::string(sekisho::default_config_path)};
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (words[i] == "--config" || words[i].rfind("--config=", 0) == 0) {
      if (words[i] == "--config") {
        if (i + 1 >= words.size()) {
          std::cerr << "sekisho: --config needs a file\n";
          return exit_usage;
        }
        config_path = words[i + 1];
        words.erase(words.begin() + static_cast<long>(i), words.begin() + static_cast<long>(i) + 2);
      } else {
        config_path = words[i].substr(9);
        words.erase(words.begin() + static_cast<long>(i));
      }
      break;
    }
  }
  const auto all = every_command();
  if (words.empty() || words[0] == "--help" || words[0] == "-h" || words[0] == "help") {
    print_overview(all);
    return words.empty() ? exit_usage : exit_ok;
  }
  const command* match = nullptr;
  std::size_t used = 0;
  for (const auto& c : all) {
    const std::string one = words[0], two = words.size() > 1 ? words[0] + " " + words[1] : "";
    if (c.name == two) match = &c, used = 2;
    if (c.name == one && used == 0) match = &c, used = 1;
  }
  if (!match) {
    bool group = false;
    for (const auto& c : all) group |= c.name.rfind(words[0] + " ", 0) == 0;
    std::cerr << "sekisho: " << (group ? "'" + words[0] + "' needs a subcommand" : "unknown command '" + words[0] + "'")
              << " (see `sekisho --help`)\n";
    if (group) {
      for (const auto& c : all)
        if (c.name.rfind(words[0] + " ", 0) == 0) std::cerr << "  sekisho " << c.name << "  " << c.summary << "\n";
    }
    return exit_usage;
  }
  std::vector<std::string> rest(words.begin() + static_cast<long>(used), words.end());
  for (const auto& w : rest)
    if (w == "--help" || w == "-h") {
      print_usage(*match);
      return exit_ok;
    }
  auto parsed = parse_args(rest, match->spec);
  if (!parsed) {
    std::cerr << "sekisho " << match->name << ": " << parsed.message() << "\nUsage: sekisho " << match->name << " "
              << match->usage.substr(0, match->usage.find('\n')) << "\n";
    return exit_usage;
  }
  try {
    return match->run(*parsed, config_path);
  } catch (const sekisho::store::store_error& e) {
    std::cerr << "sekisho: " << e.what() << "\n";
    return exit_failed;
  }
}
