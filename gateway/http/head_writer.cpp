#include "gateway/http/head_writer.hpp"

#include <cstring>

namespace sekisho::gateway {
namespace {

void append_version(std::string& out, unsigned version) {
  out += "HTTP/";
  out += static_cast<char>('0' + version / 10 % 10);
  out += '.';
  out += static_cast<char>('0' + version % 10);
}

// Room for every field is made at once and the fields copied in through a pointer: appending each of the four
// pieces of a field, with a capacity check each, cost twice as much.
void append_fields(std::string& out, const head_fields& f) {
  std::size_t room = 2;
  for (const auto& field : f) room += field.name_string().size() + field.value().size() + 4;
  const auto start = out.size();
  out.resize(start + room);
  char* p = out.data() + start;
  const auto put = [&p](std::string_view s) {
    std::memcpy(p, s.data(), s.size());
    p += s.size();
  };
  for (const auto& field : f) {
    put(field.name_string());
    put(": ");
    put(field.value());
    put("\r\n");
  }
  put("\r\n");
}

}  // namespace

void append_head(std::string& out, const http::request_header<head_fields>& h) {
  out += h.method_string();
  out += ' ';
  out += h.target();
  out += ' ';
  append_version(out, h.version());
  out += "\r\n";
  append_fields(out, h);
}

void append_head(std::string& out, const http::response_header<head_fields>& h) {
  append_version(out, h.version());
  const unsigned status = h.result_int() % 1000;
  const char digits[] = {' ', static_cast<char>('0' + status / 100), static_cast<char>('0' + status / 10 % 10),
                         static_cast<char>('0' + status % 10), ' '};
  out.append(digits, sizeof digits);
  const auto reason = h.reason();
  out += reason.empty() ? http::obsolete_reason(h.result()) : reason;
  out += "\r\n";
  append_fields(out, h);
}

}  // namespace sekisho::gateway
