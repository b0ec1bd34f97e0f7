// The chain head written to syslog: a copy outside the database, so cutting records off the end
// of the trail (which leaves a valid, shorter chain) is detected by `sekisho audit verify
// --expect-head LINE` with a line copied from the journal.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "core/util/result.hpp"

namespace sekisho::audit {

// "sekisho audit head seq=1234 hash=<64 hex digits>"; `hash` is the raw 32-byte record hash.
std::string format_head_line(std::int64_t seq, std::string_view hash);

// Finds "seq=N" and "hash=HEX" anywhere in `line` (a journal line with its timestamp and
// "sekisho[pid]:" prefix, or just "seq=… hash=…") and returns (seq, lower-case hex hash).
result<std::pair<std::int64_t, std::string>> parse_head_line(std::string_view line);

// Writes format_head_line(…) to syslog as LOG_AUTHPRIV|LOG_INFO with ident "sekisho".
void log_head_to_syslog(std::int64_t seq, std::string_view hash);

}  // namespace sekisho::audit
