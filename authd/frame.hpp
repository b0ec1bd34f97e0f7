// authd's wire format: a 4-byte big-endian length, then that many bytes of one UTF-8 JSON object.
// The decoder is pure (no I/O) so the fuzzer drives exactly the code the server runs.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/util/result.hpp"
#include "core/util/secret.hpp"
#include "core/util/strict_json.hpp"

namespace sekisho::authd {

inline constexpr std::size_t frame_header_bytes = 4;
inline constexpr std::size_t max_frame_bytes = 65536;  // body only; the header is extra
inline constexpr int max_json_depth = 8;

enum class frame_status {
  need_more,  // not a whole frame yet
  complete,   // `body` is the first frame's body
  too_large,  // the length prefix exceeds max_frame_bytes; do not read the body
  malformed,  // a zero length: no JSON object is that short
};

struct decoded_frame {
  frame_status status = frame_status::need_more;
  std::string_view body;     // valid when complete; points into the received bytes
  std::size_t frame_size = 0;  // header + body, once the header is known (0 before)
};

// The body length a frame's 4-byte header announces (`header` holds at least those 4 bytes).
std::uint32_t frame_length(std::string_view header);

// Looks at the bytes received so far and says whether they start with a whole frame.
decoded_frame decode_frame(std::string_view received);

// A JSON object, parsed strictly: valid UTF-8, at most max_json_depth levels, no duplicate keys
// (two values for one key could mean one thing to a checker and another to authd).
result<nlohmann::json> parse_json_object(std::string_view body);
// A request: a JSON object as above with a string member "op".
result<nlohmann::json> parse_request_body(std::string_view body);

// The frame for `message`; invalid UTF-8 in strings is replaced rather than thrown.
// The caller wipes the result when it may hold a secret (wipe_string).
std::string encode_frame(const nlohmann::json& message);

// Overwrites a string's whole buffer (including the short-string area) before it is freed.
void wipe_string(std::string& s);

using deadline = std::chrono::steady_clock::time_point;

enum class read_status { complete, closed, timed_out, too_large, malformed, failed };

// Reads one frame from a stream socket into `body` (a wiped buffer), waiting at most until
// `when`. On too_large the body is left unread. Handles EINTR, EAGAIN and short reads.
read_status read_frame(int fd, deadline when, secret& body);

// Writes all of `frame` (from encode_frame) before `when`; never raises SIGPIPE.
result<void> write_frame(int fd, std::string_view frame, deadline when);

}  // namespace sekisho::authd
