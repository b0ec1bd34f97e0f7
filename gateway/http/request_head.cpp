#include "gateway/http/request_head.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

#include <boost/beast/core/string.hpp>

namespace sekisho::gateway {
namespace {

// The classes of every byte, from one table: these checks run over every byte of every request head, and
// testing a byte against a list of characters cost about 30 instructions a byte.
enum char_class : std::uint8_t {
  token_char = 1,   // RFC 9110 tchar
  value_char = 2,   // a field value's: visible ASCII, space, tab and obs-text; no controls
  target_char = 4,  // a request target's: visible ASCII
  line_break = 8,   // CR, LF or NUL, which no line may hold
};

constexpr auto char_classes = [] {
  std::array<std::uint8_t, 256> table{};
  for (int c = 0; c < 256; ++c) {
    auto& t = table[static_cast<std::size_t>(c)];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
        std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos)
      t |= token_char;
    if (c == '\t' || (c >= 0x20 && c != 0x7f)) t |= value_char;
    if (c > 0x20 && c < 0x7f) t |= target_char;
    if (c == '\r' || c == '\n' || c == 0) t |= line_break;
  }
  return table;
}();

bool in_class(char c, char_class k) { return (char_classes[static_cast<unsigned char>(c)] & k) != 0; }

bool all_in(std::string_view s, char_class k) {
  return std::all_of(s.begin(), s.end(), [k](char c) { return in_class(c, k); });
}

bool is_token(std::string_view s) { return !s.empty() && all_in(s, token_char); }
bool is_field_value(std::string_view v) { return all_in(v, value_char); }

result<void> check_request_line(std::string_view line) {
  const auto sp1 = line.find(' ');
  const auto sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp1 == sp2) return make_error("malformed request line");
  const auto method = line.substr(0, sp1);
  const auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const auto version = line.substr(sp2 + 1);
  if (!is_token(method)) return make_error("malformed method");
  if (target.empty() || !all_in(target, target_char)) return make_error("malformed request target");
  if (version != "HTTP/1.1" && version != "HTTP/1.0") return make_error("unsupported HTTP version");
  return {};
}

result<void> check_field_line(std::string_view line) {
  if (line.front() == ' ' || line.front() == '\t') return make_error("obsolete line folding");
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return make_error("header line without a colon");
  if (!is_token(line.substr(0, colon))) return make_error("malformed header name (or whitespace before ':')");
  if (!is_field_value(line.substr(colon + 1))) return make_error("control character in a header value");
  return {};
}

}  // namespace

std::size_t find_head_end(std::string_view data) {
  // One pass over the line ends: every blank line starts just after an LF.
  for (auto lf = data.find('\n'); lf != std::string_view::npos; lf = data.find('\n', lf + 1)) {
    const auto next = data.substr(lf + 1, 2);
    if (next.starts_with('\n')) return lf + 2;
    if (next == "\r\n") return lf + 3;
  }
  return 0;
}

result<void> check_request_head(std::string_view head) {
  if (head.size() < 4 || head.substr(head.size() - 4) != "\r\n\r\n") return make_error("incomplete head");
  bool first = true;
  std::size_t pos = 0;
  while (pos < head.size() - 2) {
    const auto end = head.find("\r\n", pos);
    const auto line = head.substr(pos, end - pos);
    if (line.empty()) return make_error("empty line inside the head");
    // No line that passes these checks holds a CR, LF or NUL: the line is looked at again only to say why
    // one failed.
    auto ok = first ? check_request_line(line) : check_field_line(line);
    if (!ok && std::any_of(line.begin(), line.end(), [](char c) { return in_class(c, line_break); }))
      return make_error("bare CR, LF or NUL in the head");
    if (!ok) return ok;
    first = false;
    pos = end + 2;
  }
  return {};
}

result<void> check_request_framing(const head_fields& fields, unsigned version) {
  namespace http = boost::beast::http;
  // Counted in one pass over the (few) fields: each count() by name walks Beast's ordered set with a
  // case-insensitive comparison, about 280 instructions a call.
  std::size_t lengths = 0, codings = 0, hosts = 0;
  for (const auto& f : fields) {
    lengths += f.name() == http::field::content_length;
    codings += f.name() == http::field::transfer_encoding;
    hosts += f.name() == http::field::host;
  }
  if (lengths > 1) return make_error("repeated Content-Length");
  if (codings > 0 && lengths > 0) return make_error("both Content-Length and Transfer-Encoding");
  if (codings > 1) return make_error("repeated Transfer-Encoding");
  if (codings == 1) {
    if (version < 11) return make_error("Transfer-Encoding in an HTTP/1.0 request");
    // Values are stored trimmed (head_fields::insert).
    if (!boost::beast::iequals(fields[http::field::transfer_encoding], "chunked"))
      return make_error("unsupported Transfer-Encoding");
  }
  if (hosts > 1 || (version >= 11 && hosts == 0)) return make_error("missing or repeated Host");
  return {};
}

}  // namespace sekisho::gateway
