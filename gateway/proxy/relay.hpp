// Streams a message body from one connection to another through a fixed buffer: nothing is ever buffered
// whole, so a 1 GB upload or download costs one buffer. A body with a known length is read as it is,
// straight into that buffer; chunked bodies and bodies that end with the connection are decoded by Beast's
// parser (body_decoder). The outgoing framing is written here, with the message's head in front of the first
// piece, so that a small response leaves in one record and one write.
#pragma once
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>

#include "gateway/http/body_decoder.hpp"
#include "gateway/http/head_reader.hpp"
#include "gateway/http/html_banner.hpp"
#include "gateway/net/asio.hpp"
#include "gateway/net/eager_io.hpp"
#include "gateway/proxy/body_pace.hpp"

namespace sekisho::gateway {

namespace http = beast::http;

inline constexpr std::size_t relay_chunk_bytes = 64 * 1024;

// A request's working memory, reused from request to request (relay_buffers). The heads and decoders live
// here rather than in the frames of the coroutines that use them, which are allocated for every request.
struct relay_buffer {
  std::array<char, relay_chunk_bytes> piece;  // body bytes between a read and a write
  std::string out;                            // a head and framing, with small pieces gathered behind it
  head_arena heads;                           // both heads' fields: declared before them, freed after
  std::optional<request_head> request;
  std::optional<response_head> response;
  std::optional<body_decoder<true>> request_decoder;    // for a chunked request body
  std::optional<body_decoder<false>> response_decoder;  // for a chunked or until-close response body

  // An empty head for the request, or for the response (again after an informational one), its fields in
  // the arena.
  request_head& new_request() { return request.emplace(heads); }
  response_head& new_response() { return response.emplace(heads); }

  template <bool is_request>
  body_decoder<is_request>& new_decoder(body_kind kind, std::uint64_t limit) {
    if constexpr (is_request) return request_decoder.emplace(kind, limit);
    else return response_decoder.emplace(kind, limit);
  }

  // Ready for the next request (the heads first: their fields are in the arena).
  void clear() {
    response_decoder.reset();
    request_decoder.reset();
    response.reset();
    request.reset();
    heads.reset();
  }
};

// Which side failed, so the caller can answer 413/502/504 or just close.
enum class relay_failure { none, source, destination };

struct relay_outcome {
  relay_failure failed = relay_failure::none;
  error_code ec;
  std::uint64_t bytes = 0;  // body bytes read from the source
};

// A body whose length the head gave: what was read with the head, then reads from the socket.
template <class In>
class length_body_source {
 public:
  length_body_source(In& in, beast::flat_buffer& buffer, std::uint64_t length, relay_buffer& chunk,
                     io_clock::duration timeout, body_pace pace)
      : in_(in), buffer_(buffer), remaining_(length), chunk_(chunk), timeout_(timeout), pace_(pace) {}

  bool done() const { return remaining_ == 0; }

  // The next piece, valid until consumed().
  awaitable<error_code> next(std::string_view& piece) {
    error_code ec;
    if (buffer_.size() > 0) {
      buffered_ = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, buffer_.size()));
      piece = {static_cast<const char*>(buffer_.data().data()), buffered_};
      pace_.arrived(buffered_);
    } else {
      const auto room = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, chunk_.piece.size()));
      const auto start = io_clock::now();
      const auto by = pace_.deadline(start, timeout_);
      const auto n = co_await read_some(in_, asio::buffer(chunk_.piece.data(), room), by, ec);
      pace_.waited(start, io_clock::now(), n);
      if (ec == asio::error::eof) ec = http::error::partial_message;
      if (ec) co_return ec;
      piece = {chunk_.piece.data(), n};
    }
    remaining_ -= piece.size();
    co_return ec;
  }

  // Bytes past the body stay in the buffer: the connection is then not reused (upstream_pool's still_idle).
  void consumed() {
    buffer_.consume(buffered_);
    buffered_ = 0;
  }

 private:
  In& in_;
  beast::flat_buffer& buffer_;
  std::uint64_t remaining_;
  relay_buffer& chunk_;
  io_clock::duration timeout_;
  body_pace pace_;
  std::size_t buffered_ = 0;
};

// A body decoded by Beast's parser: chunked, or until the connection closes.
template <bool is_request, class In>
class decoded_body_source {
 public:
  decoded_body_source(In& in, beast::flat_buffer& buffer, body_decoder<is_request>& decoder, relay_buffer& chunk,
                      io_clock::duration timeout, body_pace pace)
      : in_(in), buffer_(buffer), decoder_(decoder), chunk_(chunk), timeout_(timeout), pace_(pace) {}

  bool done() const { return decoder_.is_done(); }

  // Some bytes, not all: a streamed body (an event stream, a slow report) goes on as each piece arrives.
  // Empty for a chunk header alone, or the close that ends the body.
  awaitable<error_code> next(std::string_view& piece) {
    error_code ec;
    decoder_.lend(chunk_.piece);
    const auto start = io_clock::now();
    beast::get_lowest_layer(in_).expires_at(pace_.deadline(start, timeout_));
    co_await http::async_read_some(in_, buffer_, decoder_, with_error(ec));
    if (ec == http::error::need_buffer) ec = {};
    piece = {chunk_.piece.data(), decoder_.filled()};
    pace_.waited(start, io_clock::now(), piece.size());
    co_return ec;
  }
  void consumed() {}

 private:
  In& in_;
  beast::flat_buffer& buffer_;
  body_decoder<is_request>& decoder_;
  relay_buffer& chunk_;
  io_clock::duration timeout_;
  body_pace pace_;
};

// Writes a body as its outgoing head frames it: as it is (Content-Length, or until close) or chunked.
// Whatever is in `pending` (the head, a chunk's framing) leaves with the start of the next piece, gathered
// into one write of at most one TLS record; the rest of the piece, or a piece with nothing pending, goes as
// it is, in one call into OpenSSL. The records of both calls leave in one send() (record_gather).
template <class Out>
class body_writer {
 public:
  body_writer(Out& out, std::string& pending, bool chunked, io_clock::duration timeout)
      : out_(out), pending_(pending), chunked_(chunked), timeout_(timeout) {}

  bool started() const { return started_; }

  awaitable<error_code> write(std::string_view piece) {
    if (piece.empty()) co_return error_code{};  // an empty chunk would read as the end of the body
    if (chunked_) append_chunk_size(piece.size());
    // Nothing pending: no copy, and no record of its own for the piece's first 16 KiB (which, alone in its
    // call into OpenSSL, would also be a send() of its own).
    const auto whole =
        pending_.empty() ? 0 : std::min(piece.size(), record_bytes - std::min(record_bytes, pending_.size()));
    pending_.append(piece.substr(0, whole));
    piece.remove_prefix(whole);
    if (chunked_ && piece.empty()) pending_ += "\r\n";
    // Written here rather than through a coroutine shared with finish(), and tried before any coroutine is
    // started (eager_io.hpp): each would be one more frame for every piece.
    error_code ec;
    started_ = true;
    if (!pending_.empty() && !piece.empty()) hold_next_write(out_);  // both writes' records in one send()
    if (asio::const_buffer b = asio::buffer(pending_); !write_at_once(out_, b, ec))
      co_await wait_and_write_all(out_, b, io_clock::now() + timeout_, ec);
    pending_.clear();
    if (ec || piece.empty()) co_return ec;
    if (asio::const_buffer b = asio::buffer(piece); !write_at_once(out_, b, ec))
      co_await wait_and_write_all(out_, b, io_clock::now() + timeout_, ec);
    if (chunked_) pending_ = "\r\n";  // the chunk's end leaves with the next write
    co_return ec;
  }

  // The end of the body: chunked, the last chunk. Whether anything is left for finish() to write: usually
  // not, and then no coroutine is started for it.
  bool end() {
    if (chunked_) pending_ += "0\r\n\r\n";
    return !pending_.empty();
  }
  awaitable<error_code> finish() {
    error_code ec;
    started_ = true;
    co_await write_all(out_, asio::buffer(pending_), io_clock::now() + timeout_, ec);
    pending_.clear();
    co_return ec;
  }

 private:
  static constexpr std::size_t record_bytes = 16 * 1024;

  void append_chunk_size(std::size_t n) {
    char hex[2 * sizeof n];
    char* end = hex + sizeof hex;
    char* p = end;
    do *--p = "0123456789abcdef"[n % 16]; while ((n /= 16) != 0);
    pending_.append(p, end);
    pending_ += "\r\n";
  }

  Out& out_;
  std::string& pending_;
  bool chunked_;
  io_clock::duration timeout_;
  bool started_ = false;
};

// Relays the whole body from `source` to `writer`. A non-empty `banner` (a break-glass session's HTML page)
// is written just after the <body> tag, or at the very end when the page has none: the caller grew
// Content-Length by its size, and the count stays true.
template <class Source, class Writer>
awaitable<relay_outcome> relay_body(Source source, Writer& writer, std::string_view banner = {}) {
  std::uint64_t bytes = 0;
  body_tag_finder finder;
  bool placed = banner.empty();
  do {
    std::string_view piece;
    if (const auto read = co_await source.next(piece)) co_return relay_outcome{relay_failure::source, read, bytes};
    bytes += piece.size();
    bool here = false;          // the banner goes into this piece…
    std::size_t at = piece.size();  // …at this offset
    if (!placed) {
      const auto found = finder.feed(piece);
      here = placed = found.has_value() || source.done();
      if (found) at = *found;
    }
    error_code wrote;
    if (here) {
      wrote = co_await writer.write(piece.substr(0, at));
      if (!wrote) wrote = co_await writer.write(banner);
      if (!wrote) wrote = co_await writer.write(piece.substr(at));
    } else {
      wrote = co_await writer.write(piece);
    }
    source.consumed();
    if (wrote) co_return relay_outcome{relay_failure::destination, wrote, bytes};
  } while (!source.done());
  if (writer.end())
    if (const auto wrote = co_await writer.finish()) co_return relay_outcome{relay_failure::destination, wrote, bytes};
  co_return relay_outcome{relay_failure::none, {}, bytes};
}

// Where a body comes from: the stream and its buffer (which may hold the body's start), how the body is
// framed, the most bytes it may have (a decoded body's limit: a length was checked against it beforehand),
// each read's deadline and, for a client's body, the pace it must keep.
template <class In>
struct body_origin {
  In& stream;
  beast::flat_buffer& buffer;
  body_framing framing;
  std::uint64_t limit;
  io_clock::duration timeout;
  body_pace pace{};
};

// Relays a body of `framing` length or chunked or until close (never none). Not a coroutine itself: it
// returns relay_body's, with no frame of its own.
template <bool is_request, class In, class Writer>
awaitable<relay_outcome> relay_framed_body(const body_origin<In>& from, relay_buffer& chunk, Writer& writer,
                                           std::string_view banner = {}) {
  if (from.framing.kind == body_kind::length)
    return relay_body(length_body_source(from.stream, from.buffer, from.framing.length, chunk, from.timeout, from.pace),
                      writer, banner);
  auto& decoder = chunk.new_decoder<is_request>(from.framing.kind, from.limit);
  return relay_body(decoded_body_source(from.stream, from.buffer, decoder, chunk, from.timeout, from.pace), writer,
                    banner);
}

}  // namespace sekisho::gateway
