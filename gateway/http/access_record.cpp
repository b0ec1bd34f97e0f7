#include "gateway/http/access_record.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string_view>

#include "core/util/byte_words.hpp"

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

// The line is written through a pointer into room made for it at once: appending piece by piece, each
// checking the string's capacity, was about 4 % of a proxied request. Each writer returns the end.

// At most this many bytes for each byte of a string (a control character becomes \u00XX) ...
constexpr std::size_t escaped_bytes_per_byte = 6;
// ... and for everything that is not a string's contents: names, quotes, numbers, time.
constexpr std::size_t fixed_bytes = 512;

template <std::size_t N>
char* put_text(char* p, const char (&text)[N]) {
  std::memcpy(p, text, N - 1);
  return p + N - 1;
}

char* put_bytes(char* p, std::string_view s) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

// Eight bytes that need no escaping: printable ASCII, neither quote nor backslash.
bool plain_word(std::uint64_t w) {
  return !has_control_byte(w) && !has_high_byte(w) && !has_byte(w, '"') && !has_byte(w, '\\');
}

char* put_string(char* p, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  *p++ = '"';
  for (std::size_t i = 0; i < s.size();) {
    if (s.size() - i >= 8 && plain_word(load_word(s.data() + i))) {  // most of a path, a host, a user
      std::memcpy(p, s.data() + i, 8);
      p += 8;
      i += 8;
      continue;
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (plain_ascii(c)) {
      *p++ = static_cast<char>(c);
      ++i;
      continue;
    }
    if (c == '"' || c == '\\') {
      *p++ = '\\';
      *p++ = static_cast<char>(c);
    } else if (c < 0x80) {
      p = put_text(p, "\\u00");
      *p++ = hex[c >> 4];
      *p++ = hex[c & 0xF];
    } else if (const auto n = utf8_length(s, i); n > 0) {
      p = put_bytes(p, s.substr(i, n));
      i += n;
      continue;
    } else {
      p = put_text(p, "\xEF\xBF\xBD");  // U+FFFD
    }
    ++i;
  }
  *p++ = '"';
  return p;
}

// 0–999 as three digits, as after a decimal point.
char* put_three_digits(char* p, unsigned n) {
  *p++ = static_cast<char>('0' + n / 100);
  *p++ = static_cast<char>('0' + n / 10 % 10);
  *p++ = static_cast<char>('0' + n % 10);
  return p;
}

// std::to_chars rather than printf: the log line is written once per request, on the I/O thread.
char* put_number(char* p, std::uint64_t value) { return std::to_chars(p, p + 20, value).ptr; }

// Milliseconds with three decimals, from whole microseconds: std::to_chars on a double in fixed notation cost
// about 700 instructions a field. Negative and NaN read as 0; beyond 10^12 ms (31 years) is clamped.
char* put_ms(char* p, double ms) {
  const auto us = static_cast<std::uint64_t>(std::llround((ms > 0 ? std::min(ms, 1e12) : 0.0) * 1000));
  p = put_number(p, us / 1000);
  *p++ = '.';
  return put_three_digits(p, static_cast<unsigned>(us % 1000));
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

char* put_time(char* p, std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::floor<std::chrono::milliseconds>(t);
  const auto secs = std::chrono::floor<std::chrono::seconds>(ms);
  const auto milli = static_cast<unsigned>((ms - secs).count());
  p = put_bytes(p, utc_second(std::chrono::system_clock::to_time_t(secs)));
  *p++ = '.';
  p = put_three_digits(p, milli);
  *p++ = 'Z';
  return p;
}

// The line's fields, one call each: a name (with its punctuation) and a value, written at `p`.
struct line_writer {
  char* p;
  template <std::size_t N>
  void string(const char (&name)[N], std::string_view value) { p = put_string(put_text(p, name), value); }
  template <std::size_t N>
  void number(const char (&name)[N], std::uint64_t value) { p = put_number(put_text(p, name), value); }
  template <std::size_t N>
  void ms(const char (&name)[N], double value) { p = put_ms(put_text(p, name), value); }
};

}  // namespace

void append_json_line(std::string& out, const access_record& r, bool with_query) {
  std::size_t room = fixed_bytes;
  for (const auto* text : {&r.user, &r.session, &r.client, &r.host, &r.method, &r.path, &r.query, &r.upstream})
    room += escaped_bytes_per_byte * text->size();
  const auto start = out.size();
  out.resize(start + room);
  line_writer line{put_time(put_text(out.data() + start, "{\"time\":\""), r.time)};
  line.string("\",\"user\":", r.user);
  line.string(",\"session\":", r.session);
  line.string(",\"client\":", r.client);
  line.string(",\"host\":", r.host);
  line.string(",\"method\":", r.method);
  line.string(",\"path\":", r.path);
  if (with_query) line.string(",\"query\":", r.query);
  line.number(",\"status\":", r.status);
  line.number(",\"bytes_in\":", r.bytes_in);
  line.number(",\"bytes_out\":", r.bytes_out);
  line.string(",\"upstream\":", r.upstream);
  line.ms(",\"upstream_ms\":", r.upstream_ms);
  line.ms(",\"total_ms\":", r.total_ms);
  if (r.break_glass) line.p = put_text(line.p, ",\"break_glass\":true");
  if (r.dropped_set_cookies > 0) line.number(",\"dropped_set_cookies\":", r.dropped_set_cookies);
  line.p = put_text(line.p, "}\n");
  out.resize(static_cast<std::size_t>(line.p - out.data()));
}

}  // namespace sekisho::gateway
