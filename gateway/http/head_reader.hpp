// Reads a whole message head, the bytes through its blank line, into a Beast header over head_fields in one
// pass over its bytes, and says how the body behind it is framed (RFC 9112 §6). It takes the place of
// Beast's parser for heads: that parser, and the pass of strict checks it needed in front of it, were about
// 12 % of a proxied request's instructions (callgrind), three times what this reader costs. Bodies that need
// decoding (chunked, or until the connection closes) still go through Beast (body_decoder.hpp).
//
// Requests are read strictly: every form by which a front end and a back end could disagree about where a
// request ends (request smuggling) is refused, so the gateway and the upstream always see the same requests.
// Responses come from the apps behind the gateway and are read as Beast read them, obs-fold included.
#pragma once
#include <cstdint>
#include <span>
#include <string_view>
#include <tuple>
#include <utility>

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>

#include "core/util/result.hpp"
#include "gateway/http/head_fields.hpp"

namespace sekisho::gateway {

// A head read, its fields in a request's arena: a Beast message without a body (whose framing is
// body_framing's), for chunked(), keep_alive(), content_length() and the rest.
template <bool is_request>
struct message_head : http::message<is_request, http::empty_body, head_fields> {
  explicit message_head(head_arena& arena)
      : http::message<is_request, http::empty_body, head_fields>(std::piecewise_construct, std::make_tuple(),
                                                                 std::forward_as_tuple(arena)) {}
};
using request_head = message_head<true>;
using response_head = message_head<false>;

// How the body behind a head is delimited. A Content-Length of 0 is `none`.
enum class body_kind { none, length, chunked, until_close };

struct body_framing {
  body_kind kind = body_kind::none;
  std::uint64_t length = 0;  // for body_kind::length
};

// The size of the head at the start of `data`: through the first blank line, or 0 when none has come yet.
// A blank line made of a bare LF ends it too ("\n\n", "\n\r\n"), so that such a head is answered at once
// (400, by read_request_head) instead of waiting for a CRLF that never comes.
std::size_t find_head_end(std::string_view data);

// Reads a request head into `into`, whose fields must be empty. Names, values and the target are views into
// `head` when the fields' arena holds it (head_arena::keep), copies otherwise. Refuses:
// - bare CR or LF, NUL and other controls; obs-fold (continuation lines); whitespace before a field's colon;
// - a malformed request line, or a version other than HTTP/1.0 and HTTP/1.1;
// - more than one Content-Length, or one that is not all digits; Transfer-Encoding with Content-Length,
//   more than once, other than exactly "chunked", or in HTTP/1.0;
// - in HTTP/1.1 a missing Host, and a repeated Host in any version.
result<body_framing> read_request_head(std::string_view head, request_head& into);

// Reads a response head into `into`, whose fields must be empty. The same field syntax as a request's, but
// an obs-fold is replaced with spaces where it stands (RFC 9112 §5.2), so `head` is writable. The body:
// none for 1xx, 204, 304 and the response to a HEAD request; chunked when that is the last transfer coding;
// until the connection closes for any other transfer coding or no framing at all. Refuses Content-Length
// with Transfer-Encoding, Transfer-Encoding twice, and Content-Lengths that are not equal lists of digits.
result<body_framing> read_response_head(std::span<char> head, response_head& into, bool to_head_request);

}  // namespace sekisho::gateway
