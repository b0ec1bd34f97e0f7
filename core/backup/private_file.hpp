// Writing a backup file: never over an existing file, never half-written under its final name.
#pragma once
#include <filesystem>
#include <string>
#include <string_view>

#include "core/util/result.hpp"

namespace sekisho::backup {

// Writes `bytes` to a hidden temp file beside `path` (mode 0600), syncs it, then renames it to
// `path` only if `path` does not exist (RENAME_NOREPLACE, or link + unlink where the file system
// lacks it). On any failure the temp file is removed and `path` is untouched.
result<void> write_new_private_file(const std::filesystem::path& path, std::string_view bytes);

// The whole file; for reading a backup.
result<std::string> read_whole_file(const std::filesystem::path& path);

}  // namespace sekisho::backup
