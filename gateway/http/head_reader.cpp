#include "gateway/http/head_reader.hpp"

#include <array>
#include <charconv>
#include <optional>

#include <boost/beast/core/string.hpp>

#include "core/util/byte_words.hpp"

namespace sekisho::gateway {
namespace {

// The classes of every byte, from one table: each byte of every head is classified once, and testing a
// byte against a list of characters cost about 30 instructions a byte.
enum char_class : std::uint8_t {
  token_char = 1,   // RFC 9110 tchar
  value_char = 2,   // a field value's: visible ASCII, space, tab and obs-text; no controls
  target_char = 4,  // a request target's: visible ASCII
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
  }
  return table;
}();

// Every scan below stops at a CR at the latest (no class holds one), and a head is only read once it is
// known to end with CRLF CRLF: so no scan can run past its end, and p[1], p[2] after a CR are in it.
const char* skip(const char* p, char_class k) {
  while ((char_classes[static_cast<unsigned char>(*p)] & k) != 0) ++p;
  return p;
}

// A value's bytes, eight at a time while none of them is a control character (DEL included): values are most
// of a head. A word holding a tab, a CR or any other control is left to the table. `end`: no word is read
// past it.
const char* skip_value(const char* p, const char* end) {
  return skip(skip_control_free_words(p, end), value_char);
}

bool at_crlf(const char* p) { return p[0] == '\r' && p[1] == '\n'; }
bool is_space(char c) { return c == ' ' || c == '\t'; }

// Why a line stopped at `c` rather than at its CRLF.
error stray(char c) {
  if (c == '\r' || c == '\n' || c == '\0') return make_error("bare CR, LF or NUL in the head");
  return make_error("control character in the head");
}

// Reads the field lines from `p` to the blank line that ends the head at `end`, giving each field to
// `add(name, value, folded)` (the value untrimmed). `unfold`: a line that starts with a space or tab continues
// the field before it, its CRLF left in the value for the caller to replace (`folded`); otherwise such a line
// is refused.
template <class Add>
result<void> read_fields(const char* p, const char* end, bool unfold, Add&& add) {
  while (!at_crlf(p)) {
    const char* name = p;
    p = skip(p, token_char);
    if (p == name) return make_error(is_space(*p) ? "obsolete line folding" : "malformed header name");
    if (*p != ':') return make_error(is_space(*p) ? "whitespace before a header's colon" : "malformed header name");
    const std::string_view name_text(name, static_cast<std::size_t>(p - name));
    const char* value = ++p;
    bool folded = false;
    for (;;) {
      p = skip_value(p, end);
      if (!at_crlf(p)) return stray(*p);
      if (!unfold || !is_space(p[2])) break;
      p += 2;  // an obs-fold: the value goes on
      folded = true;
    }
    if (auto added = add(name_text, std::string_view(value, static_cast<std::size_t>(p - value)), folded); !added)
      return added;
    p += 2;
  }
  if (p + 2 != end) return make_error("empty line inside the head");
  return {};
}

// A list of tokens separated by commas, with optional whitespace and empty elements ("close",
// "keep-alive, Upgrade", ", a,,b"); not "a b".
bool is_token_list(std::string_view value) {
  const char* p = value.data();
  const char* end = p + value.size();
  while (p != end) {
    if (*p == ',' || is_space(*p)) {
      ++p;
      continue;
    }
    const char* token = p;
    while (p != end && (char_classes[static_cast<unsigned char>(*p)] & token_char) != 0) ++p;
    while (p != end && is_space(*p)) ++p;
    if (p == token || (p != end && *p != ',')) return false;
  }
  return true;
}

// How often the fields that frame a message occur; whether the connection options are well formed, since
// hop-by-hop removal and keep-alive read them (Beast's parser refused them otherwise, and so does this one).
struct framing_count {
  int lengths = 0, codings = 0, hosts = 0;
  bool bad_connection = false;

  void count(http::field id, std::string_view value) {
    lengths += id == http::field::content_length;
    codings += id == http::field::transfer_encoding;
    hosts += id == http::field::host;
    if (id == http::field::connection || id == http::field::proxy_connection)
      bad_connection = bad_connection || !is_token_list(value);
  }
};

// A Content-Length value: digits, or where `list` allows (a response's) a list of equal ones, "5, 5";
// nothing else, no sign, not past 2^64 - 1.
std::optional<std::uint64_t> content_length(std::string_view value, bool list) {
  std::optional<std::uint64_t> length;
  for (;;) {
    const auto comma = list ? value.find(',') : std::string_view::npos;
    const auto item = trim_whitespace(value.substr(0, comma));
    std::uint64_t n = 0;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), n);
    if (item.empty() || ec != std::errc() || end != item.data() + item.size() || (length && *length != n))
      return std::nullopt;
    length = n;
    if (comma == std::string_view::npos) return length;
    value.remove_prefix(comma + 1);
  }
}

body_framing with_length(std::uint64_t n) {
  return n == 0 ? body_framing{} : body_framing{body_kind::length, n};
}

result<void> ends_with_blank_line(std::string_view head) {
  if (head.size() < 4 || head.substr(head.size() - 4) != "\r\n\r\n") return make_error("incomplete head");
  return {};
}

// "HTTP/1.0" or "HTTP/1.1" at `p`: 10 or 11, else 0. Either is followed by at least a CRLF, so the two
// bytes after it are in the head.
unsigned read_version(const char* p, const char* end) {
  if (end - p < 10 || std::string_view(p, 7) != "HTTP/1.") return 0;
  return p[7] == '1' ? 11 : p[7] == '0' ? 10 : 0;
}

result<void> read_request_line(const char*& p, const char* end, request_head& into) {
  const char* method = p;
  p = skip(p, token_char);
  if (p == method || *p != ' ') return make_error("malformed method");
  const char* target = ++p;
  p = skip(p, target_char);
  if (p == target || *p != ' ') return make_error("malformed request target");
  const auto version = read_version(++p, end);
  if (version == 0 || !at_crlf(p + 8)) return make_error("unsupported HTTP version or malformed request line");
  into.method_string(std::string_view(method, static_cast<std::size_t>(target - 1 - method)));
  into.target(std::string_view(target, static_cast<std::size_t>(p - 1 - target)));
  into.version(version);
  p += 10;
  return {};
}

result<void> read_status_line(const char*& p, const char* end, response_head& into) {
  const auto version = read_version(p, end);
  if (version == 0) return make_error("unsupported HTTP version in the status line");
  p += 8;
  // p[0..4] are in the head: it ends with CRLF CRLF and nothing so far was a CR.
  if (p[0] != ' ' || p[1] < '1' || p[1] > '9' || p[2] < '0' || p[2] > '9' || p[3] < '0' || p[3] > '9')
    return make_error("malformed status line");
  const auto status = static_cast<unsigned>((p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0'));
  p += 4;
  const char* reason = p;
  if (*p == ' ') p = skip(reason = p + 1, value_char);  // the reason may be empty, its space too
  else if (!at_crlf(p)) return make_error("malformed status line");
  if (!at_crlf(p)) return stray(*p);
  into.version(version);
  into.result(status);
  into.reason(std::string_view(reason, static_cast<std::size_t>(p - reason)));
  p += 2;
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

result<body_framing> read_request_head(std::string_view head, request_head& into) {
  if (auto complete = ends_with_blank_line(head); !complete) return complete.err();
  const char* p = head.data();
  const char* end = p + head.size();
  if (auto line = read_request_line(p, end, into); !line) return line.err();
  framing_count n;
  auto fields = read_fields(p, end, false, [&](std::string_view name, std::string_view value, bool) -> result<void> {
    const auto id = http::string_to_field(name);
    n.count(id, value);
    into.insert(id, name, value);
    return {};
  });
  if (!fields) return fields.err();
  if (n.bad_connection) return make_error("malformed Connection");

  if (n.hosts > 1 || (into.version() >= 11 && n.hosts == 0)) return make_error("missing or repeated Host");
  if (n.lengths > 1) return make_error("repeated Content-Length");
  if (n.codings > 0 && n.lengths > 0) return make_error("both Content-Length and Transfer-Encoding");
  if (n.codings > 1) return make_error("repeated Transfer-Encoding");
  if (n.codings == 1) {
    if (into.version() < 11) return make_error("Transfer-Encoding in an HTTP/1.0 request");
    if (!boost::beast::iequals(into[http::field::transfer_encoding], "chunked"))  // values are stored trimmed
      return make_error("unsupported Transfer-Encoding");
    return body_framing{body_kind::chunked};
  }
  if (n.lengths == 0) return body_framing{};
  const auto length = content_length(into[http::field::content_length], false);
  if (!length) return make_error("malformed Content-Length");
  return with_length(*length);
}

result<body_framing> read_response_head(std::span<char> head, response_head& into, bool to_head_request) {
  const std::string_view text(head.data(), head.size());
  if (auto complete = ends_with_blank_line(text); !complete) return complete.err();
  const char* p = text.data();
  const char* end = p + text.size();
  if (auto line = read_status_line(p, end, into); !line) return line.err();
  framing_count n;
  std::optional<std::uint64_t> length;
  auto fields = read_fields(p, end, true, [&](std::string_view name, std::string_view value, bool folded) -> result<void> {
    // An obs-fold, its CRLF and the spaces and tabs after it, becomes spaces, in the head itself.
    char* writable = head.data() + (value.data() - text.data());
    for (std::size_t i = 0; folded && i < value.size(); ++i)
      if (value[i] == '\r')
        for (auto j = i; j < value.size() && (j < i + 2 || is_space(value[j])); ++j) writable[j] = ' ';
    const auto id = http::string_to_field(name);
    n.count(id, value);
    if (id == http::field::content_length) {
      const auto this_one = content_length(value, true);
      if (!this_one || (length && *length != *this_one)) return make_error("malformed or differing Content-Length");
      length = this_one;
    }
    into.insert(id, name, value);
    return {};
  });
  if (!fields) return fields.err();
  if (n.bad_connection) return make_error("malformed Connection");

  if (n.codings > 1) return make_error("repeated Transfer-Encoding");
  if (n.codings > 0 && n.lengths > 0) return make_error("both Content-Length and Transfer-Encoding");
  const auto status = into.result_int();
  if (to_head_request || status / 100 == 1 || status == 204 || status == 304) return body_framing{};
  if (n.codings > 0) return body_framing{into.chunked() ? body_kind::chunked : body_kind::until_close};
  if (length) return with_length(*length);
  return body_framing{body_kind::until_close};
}

}  // namespace sekisho::gateway
