// Header names compared as the upstream stacks compare them: CGI, PHP, Django and Rails turn `Remote_User`,
// `REMOTE-USER` and `remote-user` into one variable, so a header must be matched in every spelling
// (oauth2-proxy CVE-2025-64484). Shared by the gateway, which strips and sets headers, and the config,
// which checks the names it is given.
#pragma once
#include <algorithm>
#include <span>
#include <string_view>

namespace sekisho {

// The normal form of one character of a name: ASCII lower case, '_' as '-'.
constexpr char header_key_char(char c) {
  if (c >= 'A' && c <= 'Z') return static_cast<char>(c - 'A' + 'a');
  return c == '_' ? '-' : c;
}

// Whether two names are one header in that normal form, without allocating.
constexpr bool same_header(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return header_key_char(x) == header_key_char(y);
         });
}

// Whether `name` is one of `names` in that normal form.
constexpr bool named_in(std::string_view name, std::span<const std::string_view> names) {
  return std::any_of(names.begin(), names.end(), [name](std::string_view n) { return same_header(name, n); });
}

}  // namespace sekisho
