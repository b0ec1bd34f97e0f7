// Where the break-glass banner goes in a streamed HTML page, whatever way the page is cut into pieces.
#include "gateway/http/html_banner.hpp"

#include <doctest/doctest.h>

#include "gateway/http/head_fields.hpp"

using namespace sekisho::gateway;
namespace http = boost::beast::http;

namespace {

// The offset in the whole document where the finder answers when the document comes in pieces of `size`.
std::optional<std::size_t> insertion_point(std::string_view doc, std::size_t size) {
  body_tag_finder f;
  for (std::size_t at = 0; at < doc.size(); at += size)
    if (auto found = f.feed(doc.substr(at, size))) return at + *found;
  return std::nullopt;
}

}  // namespace

TEST_CASE("the banner goes just after the <body> tag, split anywhere across pieces") {
  const std::string doc =
      "<!DOCTYPE html><html><head><title>body of evidence</title><meta name=\"x\" content=\"<bodyguard>\">"
      "</head><BODY class=\"chart\" onload=\"init()\"><h1>Patient</h1></body></html>";
  const auto expected = doc.find("<h1>");
  for (std::size_t size = 1; size <= doc.size(); ++size) CHECK(insertion_point(doc, size) == expected);
}

TEST_CASE("a bare <body>, <body/> and a tag split after '<' are found; <bodyx> and text are not") {
  CHECK(insertion_point("<body>x", 100) == 6u);
  CHECK(insertion_point("<body/>x", 100) == 7u);
  CHECK(insertion_point("<<body\n>x", 1) == 8u);
  CHECK_FALSE(insertion_point("<bodyx>no body here", 3).has_value());
  CHECK_FALSE(insertion_point("plain text without tags", 4).has_value());
}

TEST_CASE("after the tag is found once, later pieces are never answered") {
  body_tag_finder f;
  CHECK(f.feed("<body>") == 6u);
  CHECK(f.found());
  CHECK_FALSE(f.feed("<body>").has_value());
}

TEST_CASE("only uncompressed HTML gets the banner") {
  head_fields h;
  h.set(http::field::content_type, "text/html; charset=Shift_JIS");
  CHECK(banner_fits(h));
  h.set(http::field::content_type, "TEXT/HTML");
  CHECK(banner_fits(h));
  h.set(http::field::content_encoding, "gzip");
  CHECK_FALSE(banner_fits(h));
  h.set(http::field::content_encoding, "identity");
  CHECK(banner_fits(h));
  h.set(http::field::content_type, "application/json");
  CHECK_FALSE(banner_fits(h));
  h.erase(http::field::content_type);
  CHECK_FALSE(banner_fits(h));
}

TEST_CASE("the banner is ASCII, so it reads the same in a Shift_JIS or EUC-JP page, and links to logout") {
  const auto& b = break_glass_banner();
  for (char c : b) CHECK(static_cast<unsigned char>(c) < 0x80);
  CHECK(b.find("&#x7DCA;&#x6025;") != std::string::npos);  // 緊急
  CHECK(b.find("href=\"/.sekisho/logout\"") != std::string::npos);
}
