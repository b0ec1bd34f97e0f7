// A log file that is rotated by size: FILE → FILE.1 → … → FILE.N, the oldest removed. Lines are
// appended whole, and a file passes its size limit by one line at most. Used by one thread only (the
// access log's writer).
#pragma once
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string_view>

#include "core/util/result.hpp"

namespace sekisho::gateway {

class rotating_file {
 public:
  // Opens FILE for appending (mode 0640), creating it if need be.
  static result<rotating_file> open(std::filesystem::path path, std::uint64_t max_bytes, int keep);

  void append(std::string_view lines);  // whole lines, each ending in '\n'

 private:
  rotating_file(std::filesystem::path path, std::uint64_t max_bytes, int keep);
  void rotate();

  std::filesystem::path path_;
  std::uint64_t max_bytes_;
  int keep_;
  std::ofstream file_;
  std::uint64_t size_ = 0;
};

}  // namespace sekisho::gateway
