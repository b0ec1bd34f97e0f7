// Raw key files (master key, audit key): created once with mode 0600, never overwritten,
// and refused when readable by others or of the wrong size.
#pragma once
#include <filesystem>

#include "core/util/result.hpp"
#include "core/util/secret.hpp"

namespace sekisho {

// Creates `path` holding `size` random bytes. Fails if it already exists (O_EXCL).
result<void> create_key_file(const std::filesystem::path& path, std::size_t size);
// Reads exactly `size` bytes; refuses symlinks, group/other permissions and wrong sizes.
result<secret> read_key_file(const std::filesystem::path& path, std::size_t size);

}  // namespace sekisho
