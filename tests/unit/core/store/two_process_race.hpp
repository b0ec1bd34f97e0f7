// Two processes on one database file released at the same moment: for the single-use spends (a TOTP step,
// a recovery code, an emergency code) whose conditional UPDATE must let exactly one of them win.
#pragma once
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "core/store/database.hpp"

namespace sekisho::test {

// Runs `attempt` in two forked processes released at the same moment; returns how many succeeded.
inline int race_two_processes(const std::filesystem::path& db_path, auto attempt) {
  int go[2];
  REQUIRE(::pipe(go) == 0);
  pid_t kids[2];
  for (auto& kid : kids) {
    kid = ::fork();
    if (kid == 0) {
      auto db = store::database::open(db_path);
      char c;
      if (::read(go[0], &c, 1) != 1) ::_exit(3);
      ::_exit(attempt(db) ? 0 : 1);
    }
  }
  ::close(go[0]);
  REQUIRE(::write(go[1], "xx", 2) == 2);
  ::close(go[1]);
  int won = 0;
  for (auto kid : kids) {
    int status = 0;
    ::waitpid(kid, &status, 0);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) <= 1);
    won += WEXITSTATUS(status) == 0;
  }
  return won;
}

}  // namespace sekisho::test
