#include "authd/log.hpp"

#include <unistd.h>

#include <string>

namespace sekisho::authd {

void log_line(std::string_view message) {
  // One write(2) per line so lines from concurrent connections do not interleave.
  std::string line = "sekisho authd: ";
  // A name or address from a client could hold a line break: it must not forge a line of its own.
  for (char c : message) line.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c);
  line.push_back('\n');
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

}  // namespace sekisho::authd
