#include "gateway/portal/form.hpp"

#include "core/util/encoding.hpp"
#include "core/util/secret.hpp"

namespace sekisho::gateway {
namespace {

constexpr std::size_t max_fields = 16;

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

form_fields::~form_fields() {
  for (auto& [name, value] : *this) wipe_memory(value.data(), value.size());
}

std::optional<form_fields> parse_form(std::string_view body) {
  if (body.size() > max_form_bytes) return std::nullopt;
  form_fields fields;
  const bool ok = for_each_pair(body, [&](std::string_view raw_name, std::string_view raw_value) {
    auto name = percent_decode(raw_name, true);
    auto value = percent_decode(raw_value, true);
    if (!name || !value || fields.size() == max_fields) return false;
    return fields.emplace(std::move(*name), std::move(*value)).second;
  });
  if (!ok) return std::nullopt;
  return fields;
}

std::string query_value(std::string_view query, std::string_view name) {
  std::string found;
  for_each_pair(query, [&](std::string_view raw_name, std::string_view raw_value) {
    if (percent_decode(raw_name, true) != name) return true;
    found = percent_decode(raw_value, true).value_or("");
    return false;
  });
  return found;
}

}  // namespace sekisho::gateway
