// `sekisho audit verify` and `sekisho audit export`.
#include <fstream>
#include <iostream>

#include "cli/admin_context.hpp"
#include "cli/command.hpp"
#include "core/audit/audit_export.hpp"
#include "core/audit/audit_head_log.hpp"
#include "core/audit/audit_verify.hpp"
#include "core/util/encoding.hpp"

namespace sekisho::cli {
namespace {

namespace fs = std::filesystem;

int run_verify(const args& a, const fs::path& config_path) {
  auto ctx = admin_context::open(config_path, false);
  if (!ctx) return fail(ctx.message());
  std::optional<std::pair<std::int64_t, std::string>> head;
  if (auto line = a.get("--expect-head"); !line.empty()) {
    auto h = audit::parse_head_line(line);
    if (!h) return fail("--expect-head: " + h.message());
    head = *h;
  }
  auto report = audit::verify_chain(ctx->db, ctx->audit_key, head);
  if (!report.ok) {
    std::cout << "audit chain BROKEN at record " << report.first_bad_seq << ": " << report.problem << "\n"
              << "監査ログの改ざんを検出しました（レコード " << report.first_bad_seq << "）\n";
    return exit_failed;
  }
  std::cout << "audit chain ok: " << report.records << " records / 監査ログは正常です\n";
  if (report.head) std::cout << audit::format_head_line(report.head->seq, hex_encode(report.head->hash)) << "\n";
  return exit_ok;
}

std::optional<std::int64_t> parse_since(const std::string& text) {
  if (text.empty()) return std::nullopt;
  if (text.find_first_not_of("0123456789") == std::string::npos) return std::stoll(text);
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%Y-%m-%d", &tm);
  if (!end || *end != '\0') return std::nullopt;
  tm.tm_isdst = -1;
  return static_cast<std::int64_t>(std::mktime(&tm));
}

int run_export(const args& a, const fs::path& config_path) {
  auto format = audit::parse_export_format(a.get("--format", "csv"));
  if (!format) return fail("--format: use csv or jsonl");
  std::optional<std::int64_t> since;
  if (auto s = a.get("--since"); !s.empty()) {
    since = parse_since(s);
    if (!since) return fail("--since: use a date (2026-11-01) or a Unix time");
  }
  auto ctx = admin_context::open(config_path, false);
  if (!ctx) return fail(ctx.message());
  if (auto file = a.get("--output"); !file.empty()) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    if (!out) return fail(file + ": cannot write");
    auto n = audit::export_audit(ctx->db, out, *format, since);
    std::cerr << n << " records written to " << file << "\n";
    return out.flush() ? exit_ok : fail(file + ": write failed");
  }
  audit::export_audit(ctx->db, std::cout, *format, since);
  return exit_ok;
}

}  // namespace

std::vector<command> audit_commands() {
  return {
      {"audit verify", "check the audit chain; name the first edited, missing or reordered record",
       "[--expect-head LINE]\n\nLINE: a head line from syslog (\"sekisho audit head seq=N hash=HEX\"); with it a\n"
       "cut-off tail is detected too. Exit 1 when the chain is broken.",
       {{"--expect-head"}, {}, 0, 0}, run_verify},
      {"audit export", "write audit records as CSV (opens in Excel) or JSON Lines",
       "--format csv|jsonl [--since DATE|UNIXTIME] [--output FILE]", {{"--format", "--since", "--output"}, {}, 0, 0},
       run_export},
  };
}

}  // namespace sekisho::cli
