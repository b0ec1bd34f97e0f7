// Reading secrets from the operator: from the terminal with echo off, or one line from a pipe,
// never from the command line (argv is visible to every user in ps).
#pragma once
#include <string_view>

#include "core/util/result.hpp"
#include "core/util/secret.hpp"

namespace sekisho::cli {

result<secret> read_secret(std::string_view prompt);
// Asks twice on a terminal; once from a pipe.
result<secret> read_new_secret(std::string_view prompt, std::string_view again_prompt);
result<std::string> read_line(std::string_view prompt);
bool stdin_is_terminal();

}  // namespace sekisho::cli
