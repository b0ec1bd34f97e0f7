// Audit records for a human review: CSV for Excel, JSON Lines for tools.
#pragma once
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "core/store/database.hpp"

namespace sekisho::audit {

enum class export_format { csv, jsonl };

// "csv" or "jsonl"; nullopt for anything else.
std::optional<export_format> parse_export_format(std::string_view name);

// Writes every record with time >= *since (all when nullopt) in seq order and returns how many.
// Columns/keys: seq, time, event, user, source, channel, method, result, details, hash (hex).
//  - time is ISO 8601 in the local time zone with its offset: 2026-11-25T15:04:05+09:00.
//  - CSV is UTF-8 with a BOM (Excel otherwise reads Japanese as Shift_JIS), CRLF line ends,
//    a header row and RFC 4180 quoting. Text fields that would start a formula in a spreadsheet
//    (= + - @ TAB CR) get a leading apostrophe: user names and details come from attackers.
//  - JSON Lines: one object per line; invalid UTF-8 is replaced by U+FFFD rather than failing.
// Throws store::store_error when the database cannot be read.
std::int64_t export_audit(store::database& db, std::ostream& out, export_format format,
                          std::optional<std::int64_t> since = std::nullopt);

// The ISO 8601 local time used in exports.
std::string iso8601_local(std::int64_t unix_time);

}  // namespace sekisho::audit
