// UTF-8 validation for untrusted text (config files, request frames, passwords).
#pragma once
#include <string_view>

namespace sekisho {

// RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF.
bool valid_utf8(std::string_view s);

}  // namespace sekisho
