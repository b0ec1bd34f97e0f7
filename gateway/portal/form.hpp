// The portal's forms arrive as application/x-www-form-urlencoded bodies; this decodes them with limits.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace sekisho::gateway {

// Largest form body the portal reads: its forms hold a user name, a password, a code and a token.
inline constexpr std::size_t max_form_bytes = 8 * 1024;

// The decoded fields, wiped when dropped: a form may carry a password or a code.
struct form_fields : std::map<std::string, std::string, std::less<>> {
  form_fields() = default;
  form_fields(const form_fields&) = default;
  form_fields(form_fields&&) = default;
  form_fields& operator=(const form_fields&) = default;
  form_fields& operator=(form_fields&&) = default;
  ~form_fields();
};

// '+' is a space, %XX a byte. nullopt for a malformed escape, a repeated field (which of the two would a
// check have seen?), more than 16 fields, or a body over max_form_bytes.
std::optional<form_fields> parse_form(std::string_view body);

// The value of `name` in a query string ("a=1&rd=%2Fx"), decoded; "" when absent or malformed.
std::string query_value(std::string_view query, std::string_view name);

}  // namespace sekisho::gateway
