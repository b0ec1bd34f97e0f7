// Names used by every gateway file that does I/O. The gateway is written in one async style: C++20
// coroutines (asio::awaitable), with errors as error_code values on the request path (STYLE.md, tier 1).
#pragma once
#include <utility>  // asio/awaitable.hpp uses std::exchange without including it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>

namespace sekisho::gateway {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
template <class T = void>
using awaitable = asio::awaitable<T>;

// `co_await op(..., with_error(ec))` leaves failures in ec instead of throwing.
inline auto with_error(error_code& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

}  // namespace sekisho::gateway
