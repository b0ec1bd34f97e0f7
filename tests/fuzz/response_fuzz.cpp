// Arbitrary bytes as an upstream's response head, through the gateway's head reader, then a chunked or
// until-close body through the body decoder. Aborts when the reader accepts a head that Beast's parser
// refuses or reads differently (fields, status, version, framing), when an accepted head keeps a CR or LF in
// a value (an obs-fold left unfolded would split the head written to the client), and on any memory error
// in the in-place unfolding or the decoding.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>

#include "gateway/http/body_decoder.hpp"
#include "gateway/http/head_reader.hpp"
#include "tests/fuzz/fields_by_name.hpp"

namespace {

using namespace sekisho::gateway;
namespace http = boost::beast::http;

using sekisho::fuzz::check;

// A value as words: an obs-fold becomes spaces here and in Beast, not necessarily the same number of them.
std::vector<std::string_view> words(std::string_view v) {
  std::vector<std::string_view> out;
  for (std::size_t at = 0; at < v.size();) {
    const auto end = std::min(v.find_first_of(" \t", at), v.size());
    if (end > at) out.push_back(v.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

void check_read_as_beast_reads(std::string head, const response_head& ours, body_framing body, bool to_head) {
  // The gateway takes a status line without a reason's space ("HTTP/1.1 404\r\n"), which Beast refuses.
  if (head.size() > 12 && head[12] == '\r') head.insert(12, " ");
  http::response_parser<http::empty_body> beast;
  beast.header_limit(64 * 1024);
  beast.body_limit(std::numeric_limits<std::uint64_t>::max());  // the gateway streams a body of any length
  beast.skip(to_head);
  boost::system::error_code ec;
  beast.put(boost::asio::buffer(head), ec);
  check(!ec && beast.is_header_done());
  const auto& b = beast.get();
  check(sekisho::fuzz::by_name(ours, words) == sekisho::fuzz::by_name(b, words));
  check(ours.result_int() == b.result_int() && ours.version() == b.version());
  check(words(ours.reason()) == words(b.reason()));
  check(ours.keep_alive() == b.keep_alive() && ours.chunked() == b.chunked());
  check((body.kind == body_kind::until_close) == beast.need_eof());
  check((body.kind == body_kind::length) == (!beast.is_done() && beast.content_length().has_value()));
  check(body.kind != body_kind::length || body.length == *beast.content_length());
  check((body.kind == body_kind::none) == beast.is_done());
}

// What follows the head, through the decoder, as the relay would take it: a little room at a time.
void decode(body_framing body, std::string_view rest) {
  if (body.kind != body_kind::chunked && body.kind != body_kind::until_close) return;
  body_decoder<false> decoder(body.kind, 1 << 20);
  char room[7];
  std::size_t used = 0;
  for (int rounds = 0; rounds < 4096 && !decoder.is_done(); ++rounds) {
    decoder.lend(room);
    boost::system::error_code ec;
    used += decoder.put(boost::asio::buffer(rest.data() + used, rest.size() - used), ec);
    check(decoder.filled() <= sizeof room);
    if (ec == http::error::need_buffer) continue;
    if (ec || used == rest.size()) break;
  }
  check(used <= rest.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool to_head = (data[0] & 1) != 0;  // the first byte says whether the request was a HEAD
  std::string input(reinterpret_cast<const char*>(data + 1), size - 1);
  auto end = find_head_end(input);
  if (end == 0) {
    input += "\r\n\r\n";
    end = input.size();
  }
  const std::string head = input.substr(0, end);

  static head_arena arena;  // as the gateway keeps heads: the arena's own buffers, then the heap for larger ones
  arena.reset();
  response_head res(arena);
  const auto body = read_response_head(arena.keep(head), res, to_head);
  if (!body) return 0;
  for (const auto& f : res) check(f.value().find_first_of("\r\n") == std::string_view::npos);
  check(res.reason().find_first_of("\r\n") == std::string_view::npos);
  check_read_as_beast_reads(head, res, *body, to_head);
  decode(*body, std::string_view(input).substr(end));
  return 0;
}
