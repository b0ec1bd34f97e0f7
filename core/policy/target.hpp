// The request target, normalised exactly once: the same path is judged by the policy and forwarded upstream,
// so no request is checked as one path and served as another (pitfalls.md, "path mismatch").
#pragma once
#include <string>
#include <string_view>

#include "core/util/result.hpp"

namespace sekisho {

struct target_options {
  // Some legacy apps put encoded '/' or '\' in their paths; only an upstream configured for it receives them.
  bool allow_encoded_slash = false;
};

struct request_target {
  std::string path;   // normalised, starts with '/', percent-encoding only where needed, upper-case hex
  std::string query;  // as received (without '?'), empty when absent; validated for bytes, not rewritten
  bool has_query = false;
  bool operator==(const request_target&) const = default;
};

// Origin-form only ("/path?query"). Refused (the error message is short, for logs; callers answer 400):
// anything not starting with '/', fragments, raw bytes outside RFC 3986 (controls, space, non-ASCII, '\'),
// malformed or encoded NUL/control percent escapes, encoded '/' '\' unless allowed, dot segments that
// climb above the root, segments that path parameters turn into dot or empty segments on Tomcat and Jetty
// ("/..;/", "/.;x/", "/;x/admin"), and targets longer than 8 KiB.
// The path has unreserved escapes decoded ("%7E" is '~', "%2e%2e" is ".." and is resolved), other escapes
// kept with upper-case hex, repeated slashes collapsed, dot segments removed, and a trailing slash kept.
// normalize_target(forward_target(t)) gives t back for every accepted t.
result<request_target> normalize_target(std::string_view raw, const target_options& options = {});

// path + ('?' + query when present): what is forwarded upstream.
std::string forward_target(const request_target& t);

}  // namespace sekisho
