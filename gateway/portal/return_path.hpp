// Where the login sends the user afterwards: only a path on this same site (pitfalls.md, open redirects).
#pragma once
#include <string>
#include <string_view>

namespace sekisho::gateway {

// `requested` (the decoded rd= value) when it is a plain same-origin path, else "/". Refused: anything not
// starting with a single '/', "//host" and "/\host" (browsers read both as another host), backslashes,
// schemes, whitespace and control characters anywhere, encoded forms of those ("/%2F", "/%5C", "%09"),
// over 2 KiB, and the portal's own pages (a loop back to the login) except the account page.
std::string safe_return_path(std::string_view requested);

}  // namespace sekisho::gateway
