#include "core/audit/audit_export.hpp"

#include <ctime>
#include <nlohmann/json.hpp>

#include "core/store/audit_store.hpp"
#include "core/util/encoding.hpp"

namespace sekisho::audit {
namespace {

constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";
constexpr std::string_view crlf = "\r\n";

// A spreadsheet treats a cell starting with one of these as a formula (or, for TAB/CR, may strip
// the character and then do so); the apostrophe makes it plain text and is not displayed.
std::string defuse_formula(std::string_view text) {
  if (!text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos)
    return "'" + std::string(text);
  return std::string(text);
}

// RFC 4180: quote a field holding a comma, quote or line break; double the quotes inside.
std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string csv_text(std::string_view text) { return csv_field(defuse_formula(text)); }

void write_csv_row(std::ostream& out, const audit_record& r) {
  out << r.seq << ',' << iso8601_local(r.time);
  for (const std::string* f : {&r.event, &r.user, &r.source, &r.channel, &r.method, &r.result, &r.details})
    out << ',' << csv_text(*f);
  out << ',' << hex_encode(r.hash) << crlf;
}

void write_json_line(std::ostream& out, const audit_record& r) {
  const nlohmann::ordered_json j = {
      {"seq", r.seq},         {"time", iso8601_local(r.time)}, {"event", r.event},   {"user", r.user},
      {"source", r.source},   {"channel", r.channel},          {"method", r.method}, {"result", r.result},
      {"details", r.details}, {"hash", hex_encode(r.hash)},
  };
  out << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

}  // namespace

std::optional<export_format> parse_export_format(std::string_view name) {
  if (name == "csv") return export_format::csv;
  if (name == "jsonl") return export_format::jsonl;
  return std::nullopt;
}

std::string iso8601_local(std::int64_t unix_time) {
  const auto t = static_cast<std::time_t>(unix_time);
  std::tm tm{};
  if (::localtime_r(&t, &tm) == nullptr) return std::to_string(unix_time);
  char buf[64];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S%z", &tm);
  std::string s(buf, n);
  // %z gives +0900; ISO 8601 extended format (and Excel, and JavaScript) want +09:00.
  if (s.size() >= 5) s.insert(s.size() - 2, ":");
  return s;
}

std::int64_t export_audit(store::database& db, std::ostream& out, export_format format,
                          std::optional<std::int64_t> since) {
  if (format == export_format::csv)
    out << utf8_bom << "seq,time,event,user,source,channel,method,result,details,hash" << crlf;
  std::int64_t n = 0;
  store::for_each_audit_record(db, since, [&](const audit_record& r) {
    if (format == export_format::csv) write_csv_row(out, r);
    else write_json_line(out, r);
    ++n;
    return true;
  });
  return n;
}

}  // namespace sekisho::audit
