// The gateway's own answers (400, 403, 404, 413, 431, 502, 504, …): a short page in Japanese and English
// that says what to do, with no internal detail (no upstream address, no exception text).
#pragma once
#include <string>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace sekisho::gateway {

using text_response = boost::beast::http::response<boost::beast::http::string_body>;

text_response error_page(unsigned status, unsigned version, bool keep_alive);
// 302/303 to a same-origin location the gateway built itself.
text_response redirect_to(const std::string& location, unsigned status, unsigned version, bool keep_alive);
// Headers every page the gateway itself serves carries (no caching, no framing, no sniffing).
void add_own_page_headers(text_response& r);

}  // namespace sekisho::gateway
