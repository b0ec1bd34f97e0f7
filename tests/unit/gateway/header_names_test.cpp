#include "gateway/http/header_names.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace sekisho::gateway;

TEST_CASE("header_key folds case and '_' into one spelling") {
  CHECK(header_key("Remote_User") == "remote-user");
  CHECK(header_key("REMOTE-USER") == "remote-user");
  CHECK(header_key("x_FORWARDED_for") == "x-forwarded-for");
  CHECK(header_key("") == "");
  CHECK(same_header("Remote_User", "remote-user"));
  CHECK_FALSE(same_header("Remote-User", "Remote-Users"));
  CHECK_FALSE(same_header("Remote-User", "Remote.User"));
}

TEST_CASE("erase_all_variants removes every spelling and duplicate, and nothing else") {
  head_fields h;
  h.insert("Remote-User", "a");
  h.insert("REMOTE_USER", "b");
  h.insert("remote_user", "c");
  h.insert("Remote-User", "d");
  h.insert("Remote-Users", "kept");
  h.insert("X-Remote-User", "kept");
  h.insert("Accept", "kept");
  erase_all_variants(h, "remote-user");
  CHECK(std::distance(h.begin(), h.end()) == 3);
  for (const auto& f : h) CHECK(f.value() == "kept");
}

TEST_CASE("erase_all_variants with several names removes each in every spelling, long names included") {
  const std::string long_name = "X-" + std::string(70, 'a');  // past the length filter's 64 bits
  head_fields h;
  h.insert("TE", "trailers");
  h.insert("x_forwarded_for", "spoofed");
  h.insert("X-" + std::string(70, 'A'), "gone");
  h.insert("X-" + std::string(69, 'a'), "kept");
  h.insert("Trailer", "kept: not named");
  h.insert("Accept", "kept");
  const std::string_view names[] = {"te", "X-Forwarded-For", long_name};
  erase_all_variants(h, names);
  CHECK(std::distance(h.begin(), h.end()) == 3);
  for (const auto& f : h) CHECK(f.value().starts_with("kept"));
}

TEST_CASE("erase_misspelled_variants keeps the real header in any case") {
  head_fields h;
  h.insert("Content-Length", "5");
  h.insert("Content_Length", "500");
  h.insert("CONTENT_LENGTH", "500");
  erase_misspelled_variants(h, "content-length");
  REQUIRE(std::distance(h.begin(), h.end()) == 1);
  CHECK(h.begin()->name_string() == "Content-Length");
  CHECK(h.begin()->value() == "5");
}

TEST_CASE("split_list trims elements and drops empty ones") {
  CHECK(split_list(" a , ,b,\tc ") == std::vector<std::string_view>{"a", "b", "c"});
  CHECK(split_list("").empty());
  CHECK(split_list(" , ").empty());
  CHECK(trim_whitespace(" \t x y \t") == "x y");
}

TEST_CASE("safe_header_value refuses control characters but allows tabs and UTF-8") {
  CHECK(safe_header_value("alice"));
  CHECK(safe_header_value("a\tb"));
  CHECK(safe_header_value("\xe5\xb1\xb1"));
  for (std::string_view bad : {std::string_view("a\rb"), std::string_view("a\nb"), std::string_view("a\0b", 3),
                               std::string_view("a\x7f"), std::string_view("a\x1b")})
    CHECK_FALSE(safe_header_value(bad));
  // Long values are checked eight bytes at a time: a control at every offset, in whole words and after them.
  const std::string name = "\xe5\xb1\xb1\xe7\x94\xb0 \xe5\xa4\xaa\xe9\x83\x8e (Yamada Taro)\tward 3";
  CHECK(safe_header_value(name));
  for (std::size_t at = 0; at < name.size(); ++at)
    for (char control : {'\0', '\r', '\n', '\x1f', '\x7f'}) {
      std::string bad = name;
      bad[at] = control;
      CAPTURE(at);
      CHECK_FALSE(safe_header_value(bad));
    }
}
