// The backup passphrase: from --passphrase-file (root's, unreadable to others), else the terminal
// (no echo; asked twice for a new backup) or one line of standard input. Never from argv.
#pragma once
#include <optional>
#include <string>

#include "core/util/result.hpp"
#include "core/util/secret.hpp"

namespace sekisho::cli {

inline constexpr std::size_t min_passphrase_chars = 12;

// `file` is the --passphrase-file value, if given. `new_backup` asks twice on a terminal and
// requires min_passphrase_chars. The result is NFKC-normalised, like passwords, so the same
// passphrase typed in full-width on a Japanese IME opens the backup too.
result<secret> read_passphrase(const std::optional<std::string>& file, bool new_backup);

}  // namespace sekisho::cli
