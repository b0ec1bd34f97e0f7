// A secret kept in a file that only root may read: a PAM host's token (pam_sekisho token_file=), a backup
// passphrase (--passphrase-file). The same rule for both, because both are read by root from a path in a
// config: never through a symlink, never blocking on a FIFO put there, only a regular file owned by root
// (or this process's user) that no one else may read or write.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include "core/util/result.hpp"
#include "core/util/secret.hpp"

namespace sekisho {

// The whole file, at most `max_bytes`. `label` names the setting in the errors ("token_file").
result<secret> read_root_only_file(const std::string& path, std::string_view label, std::size_t max_bytes);

}  // namespace sekisho
