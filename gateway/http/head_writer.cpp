#include "gateway/http/head_writer.hpp"

namespace sekisho::gateway {
namespace {

void append_version(std::string& out, unsigned version) {
  out += "HTTP/";
  out += static_cast<char>('0' + version / 10 % 10);
  out += '.';
  out += static_cast<char>('0' + version % 10);
}

void append_fields(std::string& out, const head_fields& f) {
  for (const auto& field : f) {
    out += field.name_string();
    out += ": ";
    out += field.value();
    out += "\r\n";
  }
  out += "\r\n";
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
