// Beast's HTTP/1 parser for the bodies that need decoding: chunked, or (a response's) until the connection
// closes. The head was read by head_reader; this parser is put a head that says only how the body is framed,
// then reads the body piece by piece into room the caller lends, as Beast's buffer_body does. Bodies with a
// Content-Length need no decoding and never come here (relay.hpp's length_body_source).
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>

#include "gateway/http/head_reader.hpp"

namespace sekisho::gateway {

template <bool is_request>
class body_decoder : public http::basic_parser<is_request> {
 public:
  // `kind`: chunked, or until_close for a response. `limit`: the most body bytes allowed; past it a read
  // fails with http::error::body_limit.
  body_decoder(body_kind kind, std::uint64_t limit) {
    this->body_limit(limit);
    boost::system::error_code ec;
    this->put(boost::asio::buffer(framing_head(kind)), ec);
  }

  // Where the next piece of body goes. Once the room is full, a read stops with http::error::need_buffer.
  void lend(std::span<char> room) {
    room_ = room;
    filled_ = 0;
  }
  // How much of the room the body has filled since lend().
  std::size_t filled() const { return filled_; }

 private:
  using error_code = boost::system::error_code;

  static std::string_view framing_head(body_kind kind) {
    if constexpr (is_request) return "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
    return kind == body_kind::chunked ? "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" : "HTTP/1.1 200 OK\r\n\r\n";
  }

  // The framing head's parts: nothing to keep.
  void on_request_impl(http::verb, std::string_view, std::string_view, int, error_code& ec) override { ec = {}; }
  void on_response_impl(int, std::string_view, int, error_code& ec) override { ec = {}; }
  void on_field_impl(http::field, std::string_view, std::string_view, error_code& ec) override { ec = {}; }
  void on_header_impl(error_code& ec) override { ec = {}; }
  void on_body_init_impl(const boost::optional<std::uint64_t>&, error_code& ec) override { ec = {}; }
  void on_chunk_header_impl(std::uint64_t, std::string_view, error_code& ec) override { ec = {}; }
  void on_finish_impl(error_code& ec) override { ec = {}; }

  std::size_t on_body_impl(std::string_view body, error_code& ec) override { return put_body(body, ec); }
  std::size_t on_chunk_body_impl(std::uint64_t, std::string_view body, error_code& ec) override {
    return put_body(body, ec);
  }

  std::size_t put_body(std::string_view body, error_code& ec) {
    const auto n = std::min(body.size(), room_.size() - filled_);
    if (n > 0) std::memcpy(room_.data() + filled_, body.data(), n);
    filled_ += n;
    ec = n < body.size() ? http::error::need_buffer : error_code{};
    return n;
  }

  std::span<char> room_;
  std::size_t filled_ = 0;
};

}  // namespace sekisho::gateway
