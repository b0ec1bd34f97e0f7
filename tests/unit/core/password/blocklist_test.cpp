#include "core/password/blocklist.hpp"

#include <doctest/doctest.h>

using namespace sekisho::password;

TEST_CASE("the embedded blocklist is large and holds the passwords attackers try first") {
  CHECK(blocklist_size() >= 10000);
  for (auto common : {"password", "123456789", "qwerty", "letmein", "iloveyou", "password1"})
    CHECK_MESSAGE(is_blocklisted(common), common);
}

TEST_CASE("the blocklist matches whole passwords only") {
  CHECK_FALSE(is_blocklisted("tr0ub4dor&3x"));
  CHECK_FALSE(is_blocklisted("correct horse battery staple"));
  CHECK_FALSE(is_blocklisted("password-with-more"));
  CHECK_FALSE(is_blocklisted(""));
  CHECK_FALSE(is_blocklisted("abc"));  // entries shorter than 4 characters were dropped
}
