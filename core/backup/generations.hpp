// Generations of backups in one directory (`sekisho backup --dir DIR --keep N`, run by a timer): the
// guideline counts how many generations are kept. Only files named like ours are ever deleted.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/util/result.hpp"

namespace sekisho::backup {

// "sekisho-20261201-043000.skb": the time in UTC, so names sort in time order whatever the time zone.
std::string generation_name(std::int64_t seconds_since_epoch);
// True for names generation_name makes.
bool is_generation_name(const std::string& name);

// Deletes the oldest regular files named like generation_name beyond the newest `keep` (≥ 1);
// returns the names it deleted. Anything else in `dir` is left alone.
result<std::vector<std::string>> prune_generations(const std::filesystem::path& dir, std::size_t keep);

}  // namespace sekisho::backup
