#include "gateway/http/access_record.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <string>

using namespace sekisho::gateway;

namespace {

access_record sample() {
  access_record r;
  r.time = std::chrono::system_clock::time_point(std::chrono::milliseconds(1764460800123));  // 2025-11-30
  r.user = "yamada";
  r.session = "0123456789abcdef";
  r.client = "192.0.2.7";
  r.host = "ehr.example.jp";
  r.method = "GET";
  r.path = "/patients/P000123/chart";
  r.query = "tab=labs";
  r.status = 200;
  r.bytes_in = 12;
  r.bytes_out = 2048;
  r.upstream = "ehr";
  r.upstream_ms = 1.23456;
  r.total_ms = 2.5;
  return r;
}

nlohmann::json line_of(const access_record& r, bool with_query = true) {
  std::string out;
  append_json_line(out, r, with_query);
  REQUIRE(!out.empty());
  CHECK(out.back() == '\n');
  CHECK(out.find('\n') == out.size() - 1);  // one line, whatever the fields hold
  return nlohmann::json::parse(out);
}

}  // namespace

TEST_CASE("an access record is one JSON line with every field") {
  const auto j = line_of(sample());
  CHECK(j["time"] == "2025-11-30T00:00:00.123Z");
  CHECK(j["user"] == "yamada");
  CHECK(j["session"] == "0123456789abcdef");
  CHECK(j["client"] == "192.0.2.7");
  CHECK(j["host"] == "ehr.example.jp");
  CHECK(j["method"] == "GET");
  CHECK(j["path"] == "/patients/P000123/chart");
  CHECK(j["query"] == "tab=labs");
  CHECK(j["status"] == 200);
  CHECK(j["bytes_in"] == 12);
  CHECK(j["bytes_out"] == 2048);
  CHECK(j["upstream"] == "ehr");
  CHECK(j["upstream_ms"].get<double>() == doctest::Approx(1.235));
  CHECK(j["total_ms"].get<double>() == doctest::Approx(2.5));
}

TEST_CASE("the query is left out when configured so") {
  const auto j = line_of(sample(), false);
  CHECK_FALSE(j.contains("query"));
}

TEST_CASE("quotes, backslashes and control characters cannot break the line or forge fields") {
  auto r = sample();
  r.path = "/a\"b\\c\n{\"user\":\"admin\"}\r\t\x01\x7f";
  r.method = "G\"ET";
  const auto j = line_of(r);
  CHECK(j["path"] == r.path);
  CHECK(j["method"] == "G\"ET");
  CHECK(j["user"] == "yamada");
}

TEST_CASE("a character that needs escaping is escaped wherever it falls in a long string") {
  // Strings are copied eight bytes at a time while no byte needs escaping: each such character at every
  // offset, so that it falls in every position of a word and in the bytes after the last whole word.
  const std::string plain = "/patients/P000123/chart/lab-results/2026";
  for (std::size_t at = 0; at < plain.size(); ++at)
    for (std::string odd : {"\"", "\\", "\n", "\x01", "\x7f", "\xe5\xb1\xb1"}) {
      auto r = sample();
      r.path = plain.substr(0, at) + odd + plain.substr(at);
      CAPTURE(r.path);
      CHECK(line_of(r)["path"] == r.path);
    }
  auto r = sample();
  r.path = plain + "\xff" + plain;  // an invalid byte after whole words, then more of them
  CHECK(line_of(r)["path"] == plain + "\xEF\xBF\xBD" + plain);
}

TEST_CASE("UTF-8 is kept and invalid bytes become U+FFFD") {
  auto r = sample();
  r.user = "山田太郎";
  r.path = std::string("/\xff\xfe/\xc3\x28/\xed\xa0\x80/\xf0\x9f\x8f\xa5");  // invalid, overlong-ish, surrogate, 🏥
  const auto j = line_of(r);
  CHECK(j["user"] == "山田太郎");
  CHECK(j["path"] == "/\xEF\xBF\xBD\xEF\xBF\xBD/\xEF\xBF\xBD(/\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD/\xf0\x9f\x8f\xa5");
}

TEST_CASE("a request made in a break-glass session is marked for review; others carry no such key") {
  auto r = sample();
  CHECK_FALSE(line_of(r).contains("break_glass"));
  r.break_glass = true;
  CHECK(line_of(r)["break_glass"] == true);
}

TEST_CASE("an upstream's dropped Set-Cookie lines for the gateway's cookies are counted; none, no key") {
  auto r = sample();
  CHECK_FALSE(line_of(r).contains("dropped_set_cookies"));
  r.dropped_set_cookies = 2;
  CHECK(line_of(r)["dropped_set_cookies"] == 2);
}

TEST_CASE("each line carries its own time, to the millisecond, as the second changes") {
  using std::chrono::milliseconds;
  auto r = sample();
  const auto at = [&](long long ms) {
    r.time = std::chrono::system_clock::time_point(milliseconds(ms));
    return line_of(r)["time"].get<std::string>();
  };
  CHECK(at(1764460800123) == "2025-11-30T00:00:00.123Z");
  CHECK(at(1764460800999) == "2025-11-30T00:00:00.999Z");
  CHECK(at(1764460801000) == "2025-11-30T00:00:01.000Z");
  CHECK(at(1764460800007) == "2025-11-30T00:00:00.007Z");  // back to an earlier second
  CHECK(at(1767225599050) == "2025-12-31T23:59:59.050Z");
  CHECK(at(1767225600000) == "2026-01-01T00:00:00.000Z");
}

TEST_CASE("control characters are written as \\u escapes") {
  auto r = sample();
  r.path = std::string("/a\x01\x1f\x7f", 5);
  std::string out;
  append_json_line(out, r, true);
  CHECK(out.find(R"("path":"/a\u0001\u001f\u007f")") != std::string::npos);
}

TEST_CASE("times are written in milliseconds with three decimals, rounded; nonsense reads as 0") {
  const auto written = [](double ms) {
    auto r = sample();
    r.total_ms = ms;
    std::string out;
    append_json_line(out, r, true);
    const auto at = out.find("\"total_ms\":") + 11;
    return out.substr(at, out.find_first_of(",}", at) - at);
  };
  CHECK(written(2.5) == "2.500");
  CHECK(written(0) == "0.000");
  CHECK(written(0.0004) == "0.000");
  CHECK(written(0.0006) == "0.001");
  CHECK(written(1.9996) == "2.000");
  CHECK(written(123456.789) == "123456.789");
  CHECK(written(-3) == "0.000");
  CHECK(written(std::nan("")) == "0.000");
  CHECK(written(1e300) == "1000000000000.000");
}

TEST_CASE("fields that escape to their longest still fit the line, appended after earlier lines") {
  auto r = sample();
  r.path = std::string(5000, '\x01');  // each byte written as \u0001: six bytes
  r.user = std::string(3000, '\xff');  // each invalid byte written as U+FFFD: three bytes
  r.query = std::string(2000, '"');
  r.bytes_out = UINT64_MAX;
  r.total_ms = 1e300;
  r.break_glass = true;
  r.dropped_set_cookies = SIZE_MAX;
  std::string out = "an earlier line\n";
  append_json_line(out, r, true);
  REQUIRE(out.rfind("an earlier line\n", 0) == 0);
  const auto line = nlohmann::json::parse(out.substr(16));
  CHECK(line["path"] == r.path);
  CHECK(line["user"].get<std::string>().size() == 3 * 3000);
  CHECK(line["query"] == r.query);
  CHECK(line["bytes_out"] == UINT64_MAX);
  CHECK(line["break_glass"] == true);
  CHECK(line["dropped_set_cookies"] == SIZE_MAX);
  CHECK(out.back() == '\n');
}
