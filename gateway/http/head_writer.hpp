// A message head as bytes, the way Beast's serializer writes it (start line, each field as
// "Name: value" in order, a blank line), appended to a string the caller reuses. The proxy writes its heads
// itself: walking the serializer's buffer sequences cost more than the rest of a small response's head work.
#pragma once
#include <string>

#include <boost/beast/http/message.hpp>

#include "gateway/http/head_fields.hpp"

namespace sekisho::gateway {

namespace http = boost::beast::http;

void append_head(std::string& out, const http::request_header<head_fields>& h);
void append_head(std::string& out, const http::response_header<head_fields>& h);

}  // namespace sekisho::gateway
