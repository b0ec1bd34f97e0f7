#include "authd/log.hpp"

#include <unistd.h>

#include <string>

namespace sekisho::authd {

void log_line(std::string_view message) {
  // One write(2) per line so lines from concurrent connections do not interleave.
  std::string line = "sekisho authd: ";
  line.append(message);
  line.push_back('\n');
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

}  // namespace sekisho::authd
