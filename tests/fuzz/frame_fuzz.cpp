// Arbitrary bytes as they would arrive on authd's socket: the frame decoder, then the strict
// request parser on the frame body and on the raw bytes. Accepted requests must survive a
// re-encode unchanged, so what authd parses is what a client meant to send.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "authd/frame.hpp"

using namespace sekisho::authd;

namespace {

void check_round_trip(const nlohmann::json& request) {
  const std::string frame = encode_frame(request);
  const decoded_frame d = decode_frame(frame);
  if (frame.size() - frame_header_bytes > max_frame_bytes) return;
  if (d.status != frame_status::complete || d.frame_size != frame.size()) std::abort();
  auto again = parse_request_body(d.body);
  if (!again || *again != request) std::abort();
}

void parse(std::string_view body) {
  auto request = parse_request_body(body);
  if (!request) return;
  if (!request->is_object() || !(*request)["op"].is_string()) std::abort();
  check_round_trip(*request);
  sekisho::wipe_json(*request);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::string_view rest = bytes;
  // Walk the stream frame by frame, as a connection does.
  for (;;) {
    const decoded_frame d = decode_frame(rest);
    if (d.status != frame_status::complete) break;
    if (d.body.empty() || d.frame_size > rest.size()) std::abort();
    parse(d.body);
    rest.remove_prefix(d.frame_size);
  }
  parse(bytes);
  return 0;
}
