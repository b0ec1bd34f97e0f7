#include "gateway/http/request_head.hpp"

#include <algorithm>

namespace sekisho::gateway {
namespace {

bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), is_tchar); }

// Field values: visible ASCII, space, tab and obs-text; no controls.
bool is_field_value(std::string_view v) {
  return std::all_of(v.begin(), v.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u == '\t' || (u >= 0x20 && u != 0x7f);
  });
}

result<void> check_request_line(std::string_view line) {
  const auto sp1 = line.find(' ');
  const auto sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp1 == sp2) return make_error("malformed request line");
  const auto method = line.substr(0, sp1);
  const auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const auto version = line.substr(sp2 + 1);
  if (!is_token(method)) return make_error("malformed method");
  if (target.empty() || !std::all_of(target.begin(), target.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u > 0x20 && u < 0x7f;
      }))
    return make_error("malformed request target");
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

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x >= 'A' && x <= 'Z' ? x + 32 : x) == (y >= 'A' && y <= 'Z' ? y + 32 : y);
         });
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
    if (line.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos)
      return make_error("bare CR, LF or NUL in the head");
    auto ok = first ? check_request_line(line) : check_field_line(line);
    if (!ok) return ok;
    first = false;
    pos = end + 2;
  }
  return {};
}

result<void> check_request_framing(const boost::beast::http::fields& fields, unsigned version) {
  namespace http = boost::beast::http;
  const auto lengths = fields.count(http::field::content_length);
  const auto codings = fields.count(http::field::transfer_encoding);
  if (lengths > 1) return make_error("repeated Content-Length");
  if (codings > 0 && lengths > 0) return make_error("both Content-Length and Transfer-Encoding");
  if (codings > 1) return make_error("repeated Transfer-Encoding");
  if (codings == 1) {
    if (version < 11) return make_error("Transfer-Encoding in an HTTP/1.0 request");
    if (!iequals(trim(fields[http::field::transfer_encoding]), "chunked"))
      return make_error("unsupported Transfer-Encoding");
  }
  const auto hosts = fields.count(http::field::host);
  if (hosts > 1 || (version >= 11 && hosts == 0)) return make_error("missing or repeated Host");
  return {};
}

}  // namespace sekisho::gateway
