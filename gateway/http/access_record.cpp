#include "gateway/http/access_record.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string_view>

namespace sekisho::gateway {
namespace {

// Length of the well-formed UTF-8 sequence at s[i] (overlongs, surrogates and > U+10FFFF refused), or 0.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const auto cont = [&](std::size_t k) { return i + k < s.size() && (b(k) & 0xC0) == 0x80; };
  const unsigned c = b(0);
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && b(1) < 0xA0) return 0;  // overlong
    if (c == 0xED && b(1) > 0x9F) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && b(1) < 0x90) return 0;  // overlong
    if (c == 0xF4 && b(1) > 0x8F) return 0;  // beyond U+10FFFF
    return 4;
  }
  return 0;
}

bool plain_ascii(unsigned char c) { return c >= 0x20 && c < 0x7F && c != '"' && c != '\\'; }

void append_control(std::string& out, unsigned char c) {
  static constexpr char hex[] = "0123456789abcdef";
  const char esc[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};
  out.append(esc, sizeof esc);
}

void append_string(std::string& out, std::string_view s) {
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    // Most of a line is plain ASCII: copy each run of it at once rather than byte by byte.
    const auto run_end = std::find_if_not(s.begin() + static_cast<std::ptrdiff_t>(i), s.end(),
                                          [](char c) { return plain_ascii(static_cast<unsigned char>(c)); });
    const auto run = static_cast<std::size_t>(run_end - s.begin()) - i;
    out.append(s.substr(i, run));
    i += run;
    if (i == s.size()) break;
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x80) {
      append_control(out, c);
    } else if (const auto n = utf8_length(s, i); n > 0) {
      out.append(s.substr(i, n));
      i += n;
      continue;
    } else {
      out += "\xEF\xBF\xBD";  // U+FFFD
    }
    ++i;
  }
  out += '"';
}

void append_field(std::string& out, const char* name, std::string_view value) {
  out += ",\"";
  out += name;
  out += "\":";
  append_string(out, value);
}

void append_name(std::string& out, const char* name) {
  out += ",\"";
  out += name;
  out += "\":";
}

// std::to_chars rather than printf: the log line is written once per request, on the I/O thread.
void append_number(std::string& out, const char* name, std::uint64_t value) {
  append_name(out, name);
  char buf[24];
  out.append(buf, std::to_chars(buf, buf + sizeof buf, value).ptr);
}

// Milliseconds with microsecond resolution: enough to see an upstream's time, short in the log.
// Milliseconds with three decimals, from whole microseconds: std::to_chars on a double in fixed notation cost
// about 700 instructions a field. Negative and NaN read as 0; beyond 10^12 ms (31 years) is clamped.
void append_ms(std::string& out, const char* name, double ms) {
  append_name(out, name);
  const auto us = static_cast<std::uint64_t>(std::llround((ms > 0 ? std::min(ms, 1e12) : 0.0) * 1000));
  char buf[24];
  auto end = std::to_chars(buf, buf + sizeof buf, us / 1000).ptr;
  const auto fraction = static_cast<unsigned>(us % 1000);
  *end++ = '.';
  *end++ = static_cast<char>('0' + fraction / 100);
  *end++ = static_cast<char>('0' + fraction / 10 % 10);
  *end++ = static_cast<char>('0' + fraction % 10);
  out.append(buf, end);
}

// "YYYY-MM-DDTHH:MM:SS" of a second, formatted once per second on each thread: gmtime_r takes glibc's
// time-zone lock and snprintf was a third of the line's cost, for text that changes once a second.
std::string_view utc_second(std::time_t secs) {
  thread_local std::time_t cached = -1;
  thread_local char text[48];
  thread_local std::size_t length = 0;
  if (secs != cached) {
    std::tm tm{};
    gmtime_r(&secs, &tm);
    const int n = std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
                                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    length = n > 0 ? std::min<std::size_t>(static_cast<std::size_t>(n), sizeof text - 1) : 0;
    cached = secs;
  }
  return {text, length};
}

void append_time(std::string& out, std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::floor<std::chrono::milliseconds>(t);
  const auto secs = std::chrono::floor<std::chrono::seconds>(ms);
  const auto milli = static_cast<int>((ms - secs).count());
  out += "{\"time\":\"";
  out += utc_second(std::chrono::system_clock::to_time_t(secs));
  const char fraction[] = {'.', static_cast<char>('0' + milli / 100), static_cast<char>('0' + milli / 10 % 10),
                           static_cast<char>('0' + milli % 10), 'Z', '"'};
  out.append(fraction, sizeof fraction);
}

}  // namespace

void append_json_line(std::string& out, const access_record& r, bool with_query) {
  append_time(out, r.time);
  append_field(out, "user", r.user);
  append_field(out, "session", r.session);
  append_field(out, "client", r.client);
  append_field(out, "host", r.host);
  append_field(out, "method", r.method);
  append_field(out, "path", r.path);
  if (with_query) append_field(out, "query", r.query);
  append_number(out, "status", r.status);
  append_number(out, "bytes_in", r.bytes_in);
  append_number(out, "bytes_out", r.bytes_out);
  append_field(out, "upstream", r.upstream);
  append_ms(out, "upstream_ms", r.upstream_ms);
  append_ms(out, "total_ms", r.total_ms);
  if (r.break_glass) out += ",\"break_glass\":true";
  out += "}\n";
}

}  // namespace sekisho::gateway
