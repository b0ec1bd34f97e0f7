// Raw key files (master key, audit key): created once with mode 0600, never overwritten,
// and refused when readable by others or of the wrong size.
#pragma once
#include <filesystem>

#include "core/util/result.hpp"
#include "core/util/secret.hpp"

namespace sekisho {

// Creates `path` holding `size` random bytes. Fails if it already exists (O_EXCL).
result<void> create_key_file(const std::filesystem::path& path, std::size_t size);
// Writes `key` to `path` atomically: a temp file beside it (0600, synced), renamed over `path`, and
// the directory synced, so `path` holds the old key or the new one, never a part.
result<void> replace_key_file(const std::filesystem::path& path, const secret& key);
// Reads exactly `size` bytes; refuses symlinks, group/other permissions and wrong sizes.
result<secret> read_key_file(const std::filesystem::path& path, std::size_t size);

}  // namespace sekisho
