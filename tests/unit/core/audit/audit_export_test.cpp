#include "core/audit/audit_export.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <ctime>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/util/encoding.hpp"
#include "tests/unit/core/audit/audit_fixture.hpp"

using namespace sekisho;
using namespace sekisho::audit;

namespace {

// Exports run in Japan: pin the zone so the offset is known (POSIX form needs no tzdata).
struct japan_time {
  std::string old;
  bool had;
  japan_time() : had(std::getenv("TZ") != nullptr) {
    if (had) old = std::getenv("TZ");
    ::setenv("TZ", "JST-9", 1);
    ::tzset();
  }
  ~japan_time() {
    if (had) ::setenv("TZ", old.c_str(), 1);
    else ::unsetenv("TZ");
    ::tzset();
  }
};

constexpr std::int64_t t0 = 1795586645;  // 2026-11-25T06:04:05Z = 15:04:05 in Japan

std::string export_to_string(store::database& db, export_format fmt, std::optional<std::int64_t> since = {}) {
  std::ostringstream out;
  export_audit(db, out, fmt, since);
  return out.str();
}

}  // namespace

TEST_CASE("local time is ISO 8601 with the offset") {
  japan_time jst;
  CHECK(iso8601_local(t0) == "2026-11-25T15:04:05+09:00");
}

TEST_CASE("CSV opens in Excel: BOM, CRLF, header, Japanese intact") {
  japan_time jst;
  test::audit_fixture f;
  store::append_audit(f.db, f.key, {"login.password", "山田太郎", "192.0.2.7", "web", "password", "success", "{}"}, t0);
  const auto csv = export_to_string(f.db, export_format::csv);
  REQUIRE(csv.starts_with("\xEF\xBB\xBF"));
  const auto hash = hex_encode(store::audit_head(f.db)->hash);
  CHECK(csv.substr(3) ==
        "seq,time,event,user,source,channel,method,result,details,hash\r\n"
        "1,2026-11-25T15:04:05+09:00,login.password,山田太郎,192.0.2.7,web,password,success,{},"
        + hash + "\r\n");
}

TEST_CASE("CSV quotes commas, quotes and line breaks (RFC 4180)") {
  test::audit_fixture f;
  store::append_audit(f.db, f.key,
                      {"user.add", "a,b", "x\"y", "web", "line1\nline2", "cr\rhere", "{\"operator\":\"root\"}"}, t0);
  const auto csv = export_to_string(f.db, export_format::csv);
  CHECK(csv.find(",\"a,b\",\"x\"\"y\",web,\"line1\nline2\",\"cr\rhere\",\"{\"\"operator\"\":\"\"root\"\"}\",") !=
        std::string::npos);
}

TEST_CASE("CSV neutralises spreadsheet formulas from attacker-chosen text") {
  test::audit_fixture f;
  store::append_audit(f.db, f.key,
                      {"login.password", "=HYPERLINK(\"http://evil\",\"x\")", "+1", "web", "-2", "@SUM(A1)",
                       "\tcmd"},
                      t0);
  const auto csv = export_to_string(f.db, export_format::csv);
  CHECK(csv.find(",\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",'+1,web,'-2,'@SUM(A1),'\tcmd,") !=
        std::string::npos);
  // No field of the row starts with a formula character.
  const auto row = csv.substr(csv.find("\r\n") + 2);
  for (std::string_view c : {",=", ",+", ",-", ",@", ",\t", ",\"=", ",\"+"}) CHECK(row.find(c) == std::string::npos);
}

TEST_CASE("JSON Lines: one parseable object per record, same fields") {
  japan_time jst;
  test::audit_fixture f;
  f.append(3);
  store::append_audit(f.db, f.key, {"login.password", "佐藤", "::1", "ssh", "totp", "failure", "a\nb"}, t0);
  const auto text = export_to_string(f.db, export_format::jsonl);
  std::istringstream in(text);
  std::string line;
  std::vector<nlohmann::json> rows;
  while (std::getline(in, line)) rows.push_back(nlohmann::json::parse(line));
  REQUIRE(rows.size() == 4);
  CHECK(rows[0]["seq"] == 1);
  const auto& last = rows[3];
  CHECK(last["user"] == "佐藤");
  CHECK(last["details"] == "a\nb");
  CHECK(last["time"] == "2026-11-25T15:04:05+09:00");
  CHECK(last["hash"] == hex_encode(store::audit_head(f.db)->hash));
  for (const char* k : {"seq", "time", "event", "user", "source", "channel", "method", "result", "details", "hash"})
    CHECK(last.contains(k));
}

TEST_CASE("JSON Lines survive invalid UTF-8 in attacker-chosen names") {
  test::audit_fixture f;
  store::append_audit(f.db, f.key, {"login.password", "bad\xff\xfename", "::1", "web", "", "failure", ""}, t0);
  const auto text = export_to_string(f.db, export_format::jsonl);
  CHECK(nlohmann::json::parse(text)["user"] == "bad\xEF\xBF\xBD\xEF\xBF\xBDname");
}

TEST_CASE("since exports only records at or after that time") {
  test::audit_fixture f;
  f.append(10);  // times 1010 … 1100
  std::ostringstream out;
  CHECK(export_audit(f.db, out, export_format::csv, 1090) == 2);
  const auto csv = out.str();
  CHECK(csv.find("\r\n9,") != std::string::npos);
  CHECK(csv.find("\r\n10,") != std::string::npos);
  CHECK(csv.find("\r\n8,") == std::string::npos);
  CHECK(export_to_string(f.db, export_format::jsonl, 1101).empty());
}

TEST_CASE("export formats are named csv and jsonl") {
  CHECK(parse_export_format("csv") == export_format::csv);
  CHECK(parse_export_format("jsonl") == export_format::jsonl);
  CHECK_FALSE(parse_export_format("xlsx"));
}
