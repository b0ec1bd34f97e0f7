#include "core/login/group_name.hpp"

#include <doctest/doctest.h>

#include <string>

using sekisho::login::valid_group_name;

TEST_CASE("group names: printable text a header can carry in a comma-separated list") {
  for (const char* ok : {"nurses", "ward 3", "看護部", "IT-staff", "a"}) {
    CAPTURE(ok);
    CHECK(valid_group_name(ok));
  }
  CHECK(valid_group_name(std::string(64, 'g')));
  // The last: a right-to-left override, which makes a name display as another.
  for (const char* bad : {"", "nurses,admins", " nurses", "nurses ", "ward\n3", "ward\r\nX-Injected: 1",
                          "\x7f", "\xff\xfe", "a\xe2\x80\xae" "b"}) {
    CAPTURE(bad);
    CHECK_FALSE(valid_group_name(bad));
  }
  CHECK_FALSE(valid_group_name(std::string(65, 'g')));
}
