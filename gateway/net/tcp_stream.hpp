// A TCP stream with Beast's deadlines, on the gateway's concrete executor (see asio.hpp).
#pragma once
#include <boost/beast/core/tcp_stream.hpp>

#include "gateway/net/asio.hpp"

namespace sekisho::gateway {

using tcp_stream = beast::basic_stream<tcp, executor>;

}  // namespace sekisho::gateway
