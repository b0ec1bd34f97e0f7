#include <doctest/doctest.h>

#include "gateway/portal/form.hpp"
#include "gateway/portal/language.hpp"
#include "gateway/portal/pages.hpp"
#include "gateway/portal/return_path.hpp"

using namespace sekisho::gateway;

TEST_CASE("a form body decodes '+' and %XX, and refuses malformed escapes, repeats and floods") {
  auto f = parse_form("username=nurse&password=a%2Bb+c%26d&csrf=t");
  REQUIRE(f);
  CHECK(f->at("username") == "nurse");
  CHECK(f->at("password") == "a+b c&d");
  CHECK_FALSE(parse_form("password=%zz"));
  CHECK_FALSE(parse_form("password=%4"));
  CHECK_FALSE(parse_form("user=a&user=b"));  // which one would a check have seen?
  std::string flood;
  for (int i = 0; i < 17; ++i) flood += "f" + std::to_string(i) + "=x&";
  CHECK_FALSE(parse_form(flood));
  CHECK_FALSE(parse_form(std::string(max_form_bytes + 1, 'a')));
  CHECK(parse_form("")->empty());
}

TEST_CASE("query values are found by name and decoded") {
  CHECK(query_value("a=1&rd=%2Fchart%3Fx%3D1", "rd") == "/chart?x=1");
  CHECK(query_value("a=1", "rd").empty());
  CHECK(query_value("rd=%zz", "rd").empty());
}

TEST_CASE("the return path stays on this site") {
  CHECK(safe_return_path("/chart/patient?id=42") == "/chart/patient?id=42");
  CHECK(safe_return_path("/a+b") == "/a+b");
  CHECK(safe_return_path("/a%2Fb") == "/a%2Fb");  // decodes to a plain path
  for (const char* evil : {"", "chart", "//evil.example", "/\\evil.example", "\\\\evil", "https://evil.example/",
                           "javascript:alert(1)", "/%2F/evil.example", "/%5Cevil", "/%2f%2fevil", " /x", "/x y",
                           "/x\r\nSet-Cookie: a=b", "/x%0d%0a", "/x\t", "/.sekisho/login?rd=//evil",
                           "/%2Esekisho/login", "/\x7f"})
    CHECK_MESSAGE(safe_return_path(evil) == "/", evil);
  CHECK(safe_return_path("/" + std::string(3000, 'a')) == "/");
  // The portal's own pages go back to "/", except the two a user goes to on purpose.
  CHECK(safe_return_path("/.sekisho/account") == "/.sekisho/account");
  CHECK(safe_return_path("/.sekisho/approve") == "/.sekisho/approve");
  CHECK(safe_return_path("/.sekisho/approve/key") == "/");
  CHECK(safe_return_path("/.sekisho/logout") == "/");
}

TEST_CASE("Japanese unless English is chosen or preferred") {
  CHECK(choose_language("", "") == language::ja);
  CHECK(choose_language("", "en-US,en;q=0.9,ja;q=0.8") == language::en);
  CHECK(choose_language("", "ja,en-US;q=0.9") == language::ja);
  CHECK(choose_language("", "fr,en;q=0.5") == language::en);
  CHECK(choose_language("", "en;q=0,ja") == language::ja);  // q=0: not English
  CHECK(choose_language("", "english") == language::ja);    // not the tag "en"
  CHECK(choose_language("ja", "en") == language::ja);       // the switch wins
  CHECK(choose_language("en", "ja") == language::en);
}

TEST_CASE("pages escape what they echo and say which language they are in") {
  CHECK(html_escape("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  page_facts f;
  f.csrf = "tok\"en";
  f.return_path = "/x?a=<b>";
  const auto ja = password_page(f);
  CHECK(ja.find("lang=\"ja\"") != std::string::npos);
  CHECK(ja.find("value=\"tok&quot;en\"") != std::string::npos);
  CHECK(ja.find("<b>") == std::string::npos);
  f.lang = language::en;
  f.message = notice::throttled;
  f.retry_after = 42;
  const auto en = password_page(f);
  CHECK(en.find("lang=\"en\"") != std::string::npos);
  CHECK(en.find("wait 42 seconds") != std::string::npos);
}
