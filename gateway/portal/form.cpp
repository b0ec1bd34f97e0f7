#include "gateway/portal/form.hpp"

namespace sekisho::gateway {
namespace {

constexpr std::size_t max_fields = 16;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Calls f(name, value) for each "name=value" piece separated by '&'; stops when f returns false.
template <class F>
bool for_each_pair(std::string_view text, F f) {
  while (!text.empty()) {
    const auto amp = text.find('&');
    const auto item = text.substr(0, amp);
    text.remove_prefix(amp == std::string_view::npos ? text.size() : amp + 1);
    if (item.empty()) continue;
    const auto eq = item.find('=');
    const auto name = item.substr(0, eq);
    const auto value = eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1);
    if (!f(name, value)) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> form_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+' && plus_is_space) {
      out += ' ';
    } else if (text[i] != '%') {
      out += text[i];
    } else {
      if (i + 2 >= text.size()) return std::nullopt;
      const int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    }
  }
  return out;
}

std::optional<form_fields> parse_form(std::string_view body) {
  if (body.size() > max_form_bytes) return std::nullopt;
  form_fields fields;
  const bool ok = for_each_pair(body, [&](std::string_view raw_name, std::string_view raw_value) {
    auto name = form_decode(raw_name);
    auto value = form_decode(raw_value);
    if (!name || !value || fields.size() == max_fields) return false;
    return fields.emplace(std::move(*name), std::move(*value)).second;
  });
  if (!ok) return std::nullopt;
  return fields;
}

std::string query_value(std::string_view query, std::string_view name) {
  std::string found;
  for_each_pair(query, [&](std::string_view raw_name, std::string_view raw_value) {
    if (form_decode(raw_name) != name) return true;
    found = form_decode(raw_value).value_or("");
    return false;
  });
  return found;
}

}  // namespace sekisho::gateway
