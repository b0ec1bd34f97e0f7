#include "cli/terminal.hpp"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace sekisho::cli {
namespace {

constexpr std::size_t max_line = 4096;

// Reads up to a newline without leaving copies in iostream buffers.
result<secret> read_raw_line() {
  secret s;
  s.resize(max_line);
  std::size_t n = 0;
  for (;;) {
    char c;
    ssize_t r = ::read(STDIN_FILENO, &c, 1);
    if (r < 0) return make_error("cannot read standard input");
    if (r == 0) {
      if (n == 0) return make_error("no input (end of file)");
      break;
    }
    if (c == '\n') break;
    if (n == max_line) return make_error("input line too long");
    s.data()[n++] = c;
  }
  if (n > 0 && s.data()[n - 1] == '\r') --n;
  s.resize(n);
  return s;
}

}  // namespace

bool stdin_is_terminal() { return ::isatty(STDIN_FILENO) == 1; }

result<secret> read_secret(std::string_view prompt) {
  if (!stdin_is_terminal()) return read_raw_line();
  std::cerr << prompt << std::flush;
  termios old{};
  ::tcgetattr(STDIN_FILENO, &old);
  termios quiet = old;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  auto s = read_raw_line();
  ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
  std::cerr << "\n";
  return s;
}

result<secret> read_new_secret(std::string_view prompt, std::string_view again_prompt) {
  auto first = read_secret(prompt);
  if (!first || !stdin_is_terminal()) return first;
  auto second = read_secret(again_prompt);
  if (!second) return second;
  if (!equal_constant_time(first->view(), second->view()))
    return make_error("the two entries differ / 入力が一致しません");
  return first;
}

result<std::string> read_line(std::string_view prompt) {
  if (stdin_is_terminal()) std::cerr << prompt << std::flush;
  auto s = read_raw_line();
  if (!s) return s.err();
  return std::string(s->view());
}

}  // namespace sekisho::cli
