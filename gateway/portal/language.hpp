// The portal speaks Japanese unless the user chose English (the switch on every page sets a cookie) or
// the browser prefers English to Japanese.
#pragma once
#include <string_view>

namespace sekisho::gateway {

enum class language { ja, en };

inline constexpr std::string_view language_cookie_name = "__Host-sekisho-lang";

// choice: the ?lang= value or the cookie ("ja", "en", or "" when none); accept_language: the header.
language choose_language(std::string_view choice, std::string_view accept_language);

std::string_view code_of(language l);

}  // namespace sekisho::gateway
