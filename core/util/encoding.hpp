// Byte/text encodings used in URIs, tokens and files: hex, base64url (no padding), base32 (RFC 4648).
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace sekisho {

std::string hex_encode(std::string_view bytes);
// RFC 3986 percent-encoding: every byte but the unreserved characters (and those in `also_keep`) as %XX.
std::string percent_encode(std::string_view text, std::string_view also_keep = {});
std::optional<std::string> hex_decode(std::string_view text);
// %XX escapes decoded (either case); '+' becomes a space only in form encoding. nullopt for a malformed escape.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space = false);
std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);
// Base32 without padding, upper case (otpauth:// secrets).
std::string base32_encode(std::string_view bytes);
// Accepts upper/lower case, ignores spaces and trailing '='.
std::optional<std::string> base32_decode(std::string_view text);

}  // namespace sekisho
