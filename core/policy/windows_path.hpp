// Paths as a Windows web server (IIS) reads them. Windows compares file and folder names without regard to
// case, drops the dots and spaces that end a name, opens a file's data stream through "name::$DATA", and
// answers to the short 8.3 alias ("ADMINI~1") of a long name. An upstream configured with windows_paths has
// its rules and routing compare paths without regard to ASCII case (path_case::ignored), and these aliases
// refused: otherwise "/ADMIN", "/admin." or "/admin::$DATA" would open what a rule for "/admin" guards.
#pragma once
#include <string_view>

namespace sekisho {

// Why a normalised path is a Windows alias of another name, or empty when it is none: a segment ending in
// '.' or an encoded space, a ':' (raw or encoded) in a segment, or '~' followed by a digit.
std::string_view windows_alias(std::string_view path);

}  // namespace sekisho
