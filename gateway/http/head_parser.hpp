// Beast's HTTP/1 parser, reading a head into head_fields (in a request's arena) and a body piece by piece into
// a buffer the caller lends (buffer_body). It is http::parser with those two types, which http::parser cannot
// take: it only knows basic_fields.
#pragma once
#include <cstdint>
#include <string_view>
#include <tuple>

#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/message.hpp>

#include "gateway/http/head_fields.hpp"

namespace sekisho::gateway {

template <bool is_request>
class head_parser : public http::basic_parser<is_request> {
 public:
  using message_type = http::message<is_request, http::buffer_body, head_fields>;

  explicit head_parser(head_arena& arena)
      : message_(std::piecewise_construct, std::make_tuple(), std::forward_as_tuple(arena)), body_(message_, message_.body()) {}

  message_type& get() { return message_; }
  const message_type& get() const { return message_; }

 private:
  using error_code = boost::system::error_code;

  void on_request_impl(http::verb method, std::string_view method_string, std::string_view target, int version,
                       error_code&) override {
    if constexpr (is_request) {
      message_.target(target);
      if (method != http::verb::unknown) message_.method(method);
      else message_.method_string(method_string);
      message_.version(static_cast<unsigned>(version));
    }
  }

  void on_response_impl(int status, std::string_view reason, int version, error_code&) override {
    if constexpr (!is_request) {
      message_.result(static_cast<unsigned>(status));
      message_.version(static_cast<unsigned>(version));
      message_.reason(reason);
    }
  }

  void on_field_impl(http::field name, std::string_view name_string, std::string_view value, error_code&) override {
    message_.insert(name, name_string, value);
  }

  void on_header_impl(error_code& ec) override { ec = {}; }

  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length, error_code& ec) override {
    body_.init(content_length, ec);
  }

  std::size_t on_body_impl(std::string_view body, error_code& ec) override { return put_body(body, ec); }

  void on_chunk_header_impl(std::uint64_t, std::string_view, error_code& ec) override { ec = {}; }

  std::size_t on_chunk_body_impl(std::uint64_t, std::string_view body, error_code& ec) override {
    return put_body(body, ec);
  }

  void on_finish_impl(error_code& ec) override { body_.finish(ec); }

  std::size_t put_body(std::string_view body, error_code& ec) {
    return body_.put(boost::asio::const_buffer(body.data(), body.size()), ec);
  }

  message_type message_;
  http::buffer_body::reader body_;
};

using request_parser = head_parser<true>;
using response_parser = head_parser<false>;

}  // namespace sekisho::gateway
