// The `sekisho` subcommands: each file cmd_*.cpp contributes its entries to one table.
#pragma once
#include <filesystem>
#include <string_view>
#include <vector>

#include "cli/args.hpp"

namespace sekisho::cli {

enum exit_code : int { exit_ok = 0, exit_failed = 1, exit_usage = 2 };

struct command {
  std::string_view name;     // "user add"
  std::string_view summary;  // one line for `sekisho --help`
  std::string_view usage;    // the rest of `sekisho NAME --help`
  arg_spec spec;
  int (*run)(const args& a, const std::filesystem::path& config_path);
};

std::vector<command> init_commands();
std::vector<command> user_commands();
std::vector<command> factor_commands();
std::vector<command> audit_commands();
std::vector<command> backup_commands();
std::vector<command> rotate_keys_commands();
std::vector<command> daemon_commands();
std::vector<command> gateway_commands();
std::vector<command> run_commands();
std::vector<command> session_commands();
std::vector<command> break_glass_commands();
std::vector<command> host_commands();

}  // namespace sekisho::cli
