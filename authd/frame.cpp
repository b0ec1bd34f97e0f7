// Frame decoding, strict request parsing and encoding; no I/O here (see frame_io.cpp).
#include "authd/frame.hpp"

#include "core/util/utf8.hpp"

#include <cmath>
#include <cstdint>
#include <set>
#include <vector>

namespace sekisho::authd {
namespace {


// Counts bracket nesting outside strings before the parser builds anything.
bool nesting_within(std::string_view s, int limit) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : s) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > limit) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

std::uint32_t read_be32(std::string_view b) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(b[0])) << 24 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[1])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[2])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[3]));
}

}  // namespace

decoded_frame decode_frame(std::string_view received) {
  decoded_frame d;
  if (received.size() < frame_header_bytes) return d;
  const std::uint32_t length = read_be32(received);
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
  if (!valid_utf8(body)) return make_error("not valid UTF-8");
  if (!nesting_within(body, max_json_depth)) return make_error("nested too deeply");

  // One set of keys per open object (arrays get an empty set, never consulted).
  std::vector<std::set<std::string>> open;
  bool duplicate = false, not_finite = false;
  auto check_keys = [&](int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using ev = nlohmann::json::parse_event_t;
    switch (event) {
      case ev::object_start:
      case ev::array_start: open.emplace_back(); break;
      case ev::object_end:
      case ev::array_end:
        if (!open.empty()) open.pop_back();
        break;
      case ev::key:
        if (parsed.is_string() && !open.empty() && !open.back().insert(parsed.get<std::string>()).second)
          duplicate = true;
        break;
      case ev::value:
        // 1e400 parses as infinity, which JSON cannot carry back: refuse rather than guess.
        if (parsed.is_number_float() && !std::isfinite(parsed.get<double>())) not_finite = true;
        break;
    }
    return true;
  };
  nlohmann::json j = nlohmann::json::parse(body.begin(), body.end(), check_keys, /*allow_exceptions=*/false);
  if (j.is_discarded()) return make_error("not valid JSON");
  if (!j.is_object()) {
    wipe_json(j);
    return make_error("not a JSON object");
  }
  if (duplicate || not_finite) {
    wipe_json(j);
    return make_error(duplicate ? "duplicate key" : "number out of range");
  }
  return j;
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

void wipe_json(nlohmann::json& value) {
  if (value.is_string()) {
    wipe_string(value.get_ref<std::string&>());
  } else if (value.is_structured()) {
    for (auto& child : value) wipe_json(child);
  }
}

}  // namespace sekisho::authd
