#include "core/audit/audit_head_log.hpp"

#include <syslog.h>

#include <charconv>
#include <mutex>
#include <optional>

#include "core/audit/audit_chain.hpp"
#include "core/util/encoding.hpp"

namespace sekisho::audit {
namespace {

// The text after the first "name=" that starts a word, up to the next space or comma.
std::optional<std::string_view> value_of(std::string_view line, std::string_view name) {
  for (std::size_t at = line.find(name); at != std::string_view::npos; at = line.find(name, at + 1)) {
    const bool word_start = at == 0 || line[at - 1] == ' ' || line[at - 1] == ',' || line[at - 1] == '"';
    if (!word_start) continue;
    auto rest = line.substr(at + name.size());
    return rest.substr(0, rest.find_first_of(" ,\"\t\r\n"));
  }
  return std::nullopt;
}

}  // namespace

std::string format_head_line(std::int64_t seq, std::string_view hash) {
  return "sekisho audit head seq=" + std::to_string(seq) + " hash=" + hex_encode(hash);
}

result<std::pair<std::int64_t, std::string>> parse_head_line(std::string_view line) {
  const auto seq_text = value_of(line, "seq=");
  const auto hash_text = value_of(line, "hash=");
  if (!seq_text || !hash_text) return make_error("expected a head line like \"sekisho audit head seq=N hash=HEX\"");
  std::int64_t seq = 0;
  auto [end, ec] = std::from_chars(seq_text->data(), seq_text->data() + seq_text->size(), seq);
  if (ec != std::errc() || end != seq_text->data() + seq_text->size() || seq < 1)
    return make_error("seq=" + std::string(*seq_text) + " is not a record number");
  auto hash = hex_decode(*hash_text);
  if (!hash || hash->size() != audit_hash_size) return make_error("hash= must be 64 hexadecimal digits");
  return std::pair{seq, hex_encode(*hash)};
}

void log_head_to_syslog(std::int64_t seq, std::string_view hash) {
  static std::once_flag opened;
  std::call_once(opened, [] { ::openlog("sekisho", LOG_PID, LOG_AUTHPRIV); });
  const auto line = format_head_line(seq, hash);
  ::syslog(LOG_AUTHPRIV | LOG_INFO, "%s", line.c_str());
}

}  // namespace sekisho::audit
