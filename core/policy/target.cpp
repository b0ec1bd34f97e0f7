// normalize_target: one canonical form of the request path, so the policy judges exactly what the upstream
// serves. Anything ambiguous is refused rather than guessed at.
#include "core/policy/target.hpp"

#include <cstddef>
#include <optional>
#include <vector>

#include "core/util/encoding.hpp"

namespace sekisho {
namespace {

constexpr std::size_t max_target_bytes = 8 * 1024;

// Bytes that may not appear raw anywhere in a request target (RFC 3986 allows none of them; '#' is checked
// separately because it would start a fragment).
bool forbidden_raw(unsigned char c) {
  if (c <= 0x20 || c >= 0x7F) return true;  // controls, space, DEL, non-ASCII
  switch (c) {
    case '\\': case '"': case '<': case '>': case '^': case '`': case '{': case '|': case '}':
      return true;
    default:
      return false;
  }
}

bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

// The byte a well-formed "%XX" at text[i] encodes, or nothing.
std::optional<unsigned char> escaped_byte(std::string_view text, std::size_t i) {
  if (i + 2 >= text.size()) return std::nullopt;
  auto b = hex_decode(text.substr(i + 1, 2));
  if (!b) return std::nullopt;
  return static_cast<unsigned char>((*b)[0]);
}

result<void> check_query(std::string_view query) {
  for (std::size_t i = 0; i < query.size(); ++i) {
    const auto c = static_cast<unsigned char>(query[i]);
    if (forbidden_raw(c)) return make_error("forbidden byte in the query");
    if (c == '%' && !escaped_byte(query, i)) return make_error("malformed percent escape in the query");
  }
  return {};
}

// What follows an encoded '%': "2E", "2F", "5C" or "00" (any case) make "%252E" and the like, which an
// upstream that decodes twice (old IIS, an app decoding what its server already decoded) reads as a dot, a
// slash, a backslash or NUL in a path the rules saw as one plain segment.
bool double_encoded_separator(std::string_view rest) {
  if (rest.size() < 2) return false;
  const char hi = rest[0], lo = static_cast<char>(rest[1] | 0x20);
  return (hi == '2' && (lo == 'e' || lo == 'f')) || (hi == '5' && lo == 'c') || (hi == '0' && rest[1] == '0');
}

// Percent-decodes the unreserved characters, upper-cases the hex of every other escape, and refuses the
// bytes and escapes that have no business in a path.
result<std::string> decode_path(std::string_view raw, const target_options& options) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const auto c = static_cast<unsigned char>(raw[i]);
    if (forbidden_raw(c)) return make_error("forbidden byte in the path");
    if (c != '%') {
      out.push_back(raw[i]);
      continue;
    }
    const auto b = escaped_byte(raw, i);
    if (!b) return make_error("malformed percent escape in the path");
    if (*b < 0x20 || *b == 0x7F) return make_error("encoded control character in the path");
    if ((*b == '/' || *b == '\\') && !options.allow_encoded_slash) return make_error("encoded slash in the path");
    if (unreserved(*b)) {
      out.push_back(static_cast<char>(*b));
    } else {
      out.push_back('%');
      out.push_back(hex[*b >> 4]);
      out.push_back(hex[*b & 0xF]);
    }
    i += 2;
  }
  // Judged on the decoded form: "%25%32%65" decodes to "%252e" as surely as "%252e" stays it.
  for (auto at = out.find("%25"); at != std::string::npos; at = out.find("%25", at + 3))
    if (double_encoded_separator(std::string_view(out).substr(at + 3)) && !options.allow_encoded_slash)
      return make_error("double-encoded dot, slash or NUL in the path");
  return out;
}

// "..;x" and ".;x" are dot segments to Tomcat and Jetty, which drop path parameters before resolving them
// ("/public/..;/admin" reaches /admin). An empty name with parameters ("/;x/admin") becomes "//admin" there.
// Encoded ';' is treated the same in case an upstream decodes before it strips.
bool ambiguous_parameters(std::string_view segment, bool last) {
  std::size_t cut = segment.find(';');
  const std::size_t encoded = segment.find("%3B");
  if (encoded < cut) cut = encoded;
  if (cut == std::string_view::npos) return false;
  const auto name = segment.substr(0, cut);
  return name == "." || name == ".." || (name.empty() && !last);
}

// With allow_encoded_slash, an upstream may decode "%2F" or "%5C" into a separator: "/public/..%2Fadmin" would
// then climb out of /public on the upstream while the policy saw one segment. Such hidden dot segments are refused.
bool hidden_dot_segment(std::string_view segment) {
  bool encoded_separator = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= segment.size(); ++i) {
    const auto rest = segment.substr(i);
    const bool separator = rest.starts_with("%2F") || rest.starts_with("%5C");
    if (!separator && i < segment.size()) continue;
    const auto part = segment.substr(start, i - start);
    if (encoded_separator || separator) {
      if (part == "." || part == ".." || ambiguous_parameters(part, !separator)) return true;
    }
    encoded_separator = encoded_separator || separator;
    start = i + 3;
    i += 2;
  }
  return false;
}

// Whether resolve_segments would keep `path` as it is: no repeated slash, no dot segment, and no segment with
// the ';' or encoded separator that it looks into. Most paths are such, and are then not split at all.
bool already_resolved(std::string_view path) {
  std::size_t segment = 1;  // where the current segment starts: path[0] is '/'
  for (std::size_t i = 1; i <= path.size(); ++i) {
    const char c = i < path.size() ? path[i] : '/';  // the end closes the last segment
    if (c == ';') return false;
    if (c == '%') {
      const auto code = path.substr(i + 1, 2);  // decode_path's hex is upper case
      if (code == "3B" || code == "2F" || code == "5C") return false;
    }
    if (c != '/') continue;
    const auto name = path.substr(segment, i - segment);
    if ((name.empty() && i < path.size()) || name == "." || name == "..") return false;
    segment = i + 1;
  }
  return true;
}

// Splits on '/' (which collapses repeated slashes) and removes dot segments (RFC 3986 5.2.4), refusing a ".."
// that would climb above the root.
result<std::string> resolve_segments(std::string_view path) {
  std::vector<std::string_view> kept;
  bool trailing_slash = false;
  std::size_t pos = 1;  // path[0] is '/'
  while (pos <= path.size()) {
    std::size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    const auto segment = path.substr(pos, end - pos);
    const bool last = path.find_first_not_of('/', end) == std::string_view::npos;
    pos = end + 1;
    if (segment.empty()) {  // a repeated slash, or the trailing one
      trailing_slash = last;
      continue;
    }
    if (ambiguous_parameters(segment, last)) return make_error("dot segment with path parameters");
    if (hidden_dot_segment(segment)) return make_error("dot segment between encoded slashes");
    if (segment == "." || segment == "..") {
      if (segment == "..") {
        if (kept.empty()) return make_error("'..' above the root");
        kept.pop_back();
      }
      trailing_slash = last;  // "/a/." is the directory "/a/"
      continue;
    }
    kept.push_back(segment);
    trailing_slash = last && end < path.size();
  }
  std::string out = "/";
  for (std::size_t i = 0; i < kept.size(); ++i) {
    if (i > 0) out.push_back('/');
    out.append(kept[i]);
  }
  if (trailing_slash && !kept.empty()) out.push_back('/');
  return out;
}

}  // namespace

result<request_target> normalize_target(std::string_view raw, const target_options& options) {
  if (raw.size() > max_target_bytes) return make_error("request target longer than 8 KiB");
  if (raw.empty() || raw.front() != '/') return make_error("request target is not origin-form");
  if (raw.find('#') != std::string_view::npos) return make_error("fragment in the request target");

  request_target t;
  std::string_view path = raw;
  if (const auto q = raw.find('?'); q != std::string_view::npos) {
    path = raw.substr(0, q);
    const auto query = raw.substr(q + 1);
    if (auto ok = check_query(query); !ok) return ok.err();
    t.query = std::string(query);
    t.has_query = true;
  }
  auto decoded = decode_path(path, options);
  if (!decoded) return decoded.err();
  if (already_resolved(*decoded)) {
    t.path = std::move(*decoded);
    return t;
  }
  auto resolved = resolve_segments(*decoded);
  if (!resolved) return resolved.err();
  t.path = std::move(*resolved);
  return t;
}

std::string forward_target(const request_target& t) {
  if (!t.has_query) return t.path;
  std::string out;
  out.reserve(t.path.size() + 1 + t.query.size());
  out.append(t.path).append("?").append(t.query);
  return out;
}

}  // namespace sekisho
