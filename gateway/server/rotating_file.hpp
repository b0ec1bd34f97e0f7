// A log file that is rotated by size: FILE → FILE.1 → … → FILE.N, the oldest removed. Lines are
// appended whole, and a file passes its size limit by one line at most. Used by one thread only (the
// access log's writer).
//
// A write the file system refuses (a full disk, an I/O error) is undone back to the last whole line and
// reported with how much went in, so the caller keeps the rest and tries again later: the file never holds
// a cut line, and writing resumes by itself once the disk takes lines again.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

#include "core/util/result.hpp"

namespace sekisho::gateway {

class rotating_file {
 public:
  // Opens FILE for appending (mode 0640), creating it if need be.
  static result<rotating_file> open(std::filesystem::path path, std::uint64_t max_bytes, int keep);
  rotating_file(rotating_file&& o) noexcept;
  rotating_file& operator=(rotating_file&&) = delete;
  ~rotating_file();

  // How much of an append is in the file: a prefix of whole lines, and why not the rest (empty: all went in).
  struct appended {
    std::size_t bytes = 0;
    std::error_code error;
  };
  appended append(std::string_view lines);  // whole lines, each ending in '\n'

  const std::filesystem::path& path() const { return path_; }

 private:
  rotating_file(std::filesystem::path path, std::uint64_t max_bytes, int keep);
  std::error_code reopen();
  std::error_code write_whole(std::string_view lines);
  std::error_code rotate();

  std::filesystem::path path_;
  std::uint64_t max_bytes_;
  int keep_;
  int fd_ = -1;  // -1 after a rotation that could not open the new file: opened again by the next append
  std::uint64_t size_ = 0;
};

}  // namespace sekisho::gateway
