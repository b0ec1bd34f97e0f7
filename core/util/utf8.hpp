// UTF-8 validation for untrusted text (config files, request frames, passwords).
#pragma once
#include <cstddef>
#include <string_view>

namespace sekisho {

// RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF.
bool valid_utf8(std::string_view s);

// A label people type and others read (a security key's name): valid UTF-8 of 1 to `max_chars` code
// points, not only spaces, and without control, line-separator or bidirectional-override characters,
// which could make it display as something else.
bool printable_label(std::string_view s, std::size_t max_chars);

}  // namespace sekisho
