// Strict checks on a request head before and after Beast parses it. Beast is lenient where lenience lets
// a front end and a back end disagree about where a request ends (request smuggling); these refuse every
// such form, so the gateway and the upstream always see the same requests.
#pragma once
#include <string_view>

#include "gateway/http/head_fields.hpp"

#include "core/util/result.hpp"

namespace sekisho::gateway {

// The size of the head at the start of `data`: through the first blank line, or 0 when none has come yet.
// A blank line made of a bare LF ends it too ("\n\n", "\n\r\n"), so that such a head is answered at once
// (400, by check_request_head) instead of waiting for a CRLF that never comes.
std::size_t find_head_end(std::string_view data);

// The raw bytes up to and including the blank line. Refuses: bare CR or LF, NUL and other controls,
// obs-fold (continuation lines), whitespace before a field's colon, a malformed request line, versions
// other than HTTP/1.0 and HTTP/1.1.
result<void> check_request_head(std::string_view head);

// Framing and Host after parsing: at most one Content-Length, never with Transfer-Encoding; a
// Transfer-Encoding must be exactly "chunked" (and only in HTTP/1.1); exactly one Host in HTTP/1.1.
result<void> check_request_framing(const head_fields& fields, unsigned version);

}  // namespace sekisho::gateway
