// The emergency access page says how long the session lasts as the config sets it.
#include "gateway/portal/break_glass_page.hpp"

#include <doctest/doctest.h>

using namespace sekisho::gateway;

TEST_CASE("the break-glass page says the configured session length in plain words") {
  page_facts f;
  CHECK(break_glass_page(f, 60).find("緊急アクセスは1時間で終わり") != std::string::npos);
  CHECK(break_glass_page(f, 90).find("緊急アクセスは90分で終わり") != std::string::npos);
  f.lang = language::en;
  CHECK(break_glass_page(f, 120).find("ends after 2 hours;") != std::string::npos);
  CHECK(break_glass_page(f, 60).find("ends after 1 hour;") != std::string::npos);
  CHECK(break_glass_page(f, 5).find("ends after 5 minutes;") != std::string::npos);
}
