// Passwords are compared as Unicode NFKC, so the same password typed on a Japanese IME in full-width
// (ｐａｓｓ１２３) and in ASCII (pass123) is the same password.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sekisho::password {

// Validates UTF-8 (no overlong forms, no surrogates) and returns the NFKC form; invalid input → nullopt.
std::optional<std::string> normalize_password(std::string_view utf8);

// Unicode code points in valid UTF-8 (what a user calls "characters": 😀 is one, not four).
std::size_t count_code_points(std::string_view utf8);

// Full Unicode lowercase of valid UTF-8, for case-insensitive comparisons (blocklist, user name).
std::string lowercase(std::string_view utf8);

}  // namespace sekisho::password
