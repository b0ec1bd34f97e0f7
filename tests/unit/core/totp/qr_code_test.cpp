#include "core/totp/qr_code.hpp"

#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include "core/totp/otpauth_uri.hpp"

using namespace sekisho;

namespace {

const std::string uri = totp::make_otpauth_uri("関所病院", "山田 花子", "12345678901234567890", {});

std::size_t count(const std::string& hay, std::string_view needle) {
  std::size_t n = 0;
  for (auto p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

std::size_t code_points(std::string_view line) {
  std::size_t n = 0;
  for (unsigned char c : line) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

TEST_CASE("the SVG QR code is self-contained and compact") {
  const auto svg = totp::qr_svg(uri);
  REQUIRE(svg.rfind("<svg", 0) == 0);
  CHECK(svg.substr(svg.size() - 6) == "</svg>");
  // The only URL is the SVG namespace: nothing is fetched when the page shows it.
  CHECK(count(svg, "http") == 1);
  CHECK(count(svg, "xmlns=\"http://www.w3.org/2000/svg\"") == 1);
  CHECK(count(svg, "href") == 0);
  CHECK(count(svg, "<script") == 0);
  CHECK(count(svg, "<path") == 1);
  CHECK(count(svg, "shape-rendering=\"crispEdges\"") == 1);
  CHECK(count(svg, "fill=\"#fff\"") == 1);
  CHECK(count(svg, "fill=\"#000\"") == 1);
  // The top-left finder pattern's first row starts after a 4-module quiet zone: 7 dark modules.
  CHECK(svg.find("d=\"M4 4h7v1h-7z") != std::string::npos);
  CHECK(svg.size() < 20000);
}

TEST_CASE("the terminal QR code uses half blocks with light modules drawn") {
  const auto text = totp::qr_terminal(uri);
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  REQUIRE(lines.size() >= 11);  // at least a version-1 symbol (21 rows), two rows per line
  const auto width = code_points(lines[0]);
  CHECK(width >= 21 + 4);
  CHECK(lines.size() == (width + 1) / 2);  // square: the symbol plus its quiet zone, two rows per line
  for (const auto& l : lines) CHECK(code_points(l) == width);
  // Rows 0–1 are quiet zone (light → full blocks); rows 2–3 are the top of the finder pattern:
  // dark ring (space) above, then the light inner ring below (lower half block).
  std::string quiet;
  for (std::size_t i = 0; i < width; ++i) quiet += "\u2588";
  CHECK(lines[0] == quiet);
  CHECK(lines[1].rfind("\u2588\u2588 \u2584\u2584\u2584\u2584\u2584 \u2588", 0) == 0);
  // The last line's lower half lies outside the quiet zone.
  std::string last_expected;
  for (std::size_t i = 0; i < width; ++i) last_expected += "\u2580";
  CHECK(lines.back() == last_expected);
}

TEST_CASE("text that cannot be encoded gives an empty result, so the caller prints it instead") {
  CHECK(totp::qr_svg("").empty());
  CHECK(totp::qr_terminal("").empty());
  const std::string too_long(3000, 'x');  // version 40 at level M holds 2331 bytes
  CHECK(totp::qr_svg(too_long).empty());
  CHECK(totp::qr_terminal(too_long).empty());
  const std::string longest_ok(2331, 'x');
  CHECK_FALSE(totp::qr_svg(longest_ok).empty());
}
