// Frame decoding, strict request parsing and encoding; no I/O here (see frame_io.cpp).
#include "authd/frame.hpp"

#include "core/util/strict_json.hpp"

#include <cmath>
#include <cstdint>
#include <set>
#include <vector>

namespace sekisho::authd {
std::uint32_t frame_length(std::string_view b) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(b[0])) << 24 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[1])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[2])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[3]));
}

decoded_frame decode_frame(std::string_view received) {
  decoded_frame d;
  if (received.size() < frame_header_bytes) return d;
  const std::uint32_t length = frame_length(received);
  if (length > max_frame_bytes) {
    d.status = frame_status::too_large;
    return d;
  }
  if (length == 0) {
    d.status = frame_status::malformed;
    d.frame_size = frame_header_bytes;
    return d;
  }
  d.frame_size = frame_header_bytes + length;
  if (received.size() < d.frame_size) return d;
  d.status = frame_status::complete;
  d.body = received.substr(frame_header_bytes, length);
  return d;
}

result<nlohmann::json> parse_json_object(std::string_view body) {
  return parse_strict_json_object(body, max_json_depth);
}

result<nlohmann::json> parse_request_body(std::string_view body) {
  auto j = parse_json_object(body);
  if (!j) return j;
  auto op = j->find("op");
  if (op == j->end() || !op->is_string()) {
    wipe_json(*j);
    return make_error("no string member \"op\"");
  }
  return j;
}

std::string encode_frame(const nlohmann::json& message) {
  std::string body = message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  const auto n = static_cast<std::uint32_t>(body.size());
  std::string frame;
  frame.reserve(frame_header_bytes + body.size());
  frame.push_back(static_cast<char>(n >> 24 & 0xFF));
  frame.push_back(static_cast<char>(n >> 16 & 0xFF));
  frame.push_back(static_cast<char>(n >> 8 & 0xFF));
  frame.push_back(static_cast<char>(n & 0xFF));
  frame.append(body);
  wipe_string(body);
  return frame;
}

void wipe_string(std::string& s) {
  wipe_memory(s.data(), s.capacity());
  s.clear();
}

}  // namespace sekisho::authd
