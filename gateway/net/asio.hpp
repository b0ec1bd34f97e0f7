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
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>

namespace sekisho::gateway {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

// Every I/O object is bound to an io_context's own executor type, not Asio's default type-erased
// any_io_executor: each operation would otherwise copy, query and destroy a polymorphic executor, which
// cost the request path several per cent of its CPU time (perf).
using executor = asio::io_context::executor_type;
using tcp_socket = asio::basic_stream_socket<tcp, executor>;
using tcp_acceptor = asio::basic_socket_acceptor<tcp, executor>;
using tcp_resolver = asio::ip::basic_resolver<tcp, executor>;
using steady_timer = asio::basic_waitable_timer<std::chrono::steady_clock,
                                                asio::wait_traits<std::chrono::steady_clock>, executor>;
template <class T = void>
using awaitable = asio::awaitable<T, executor>;
inline constexpr asio::use_awaitable_t<executor> use_awaitable;

// `co_await op(..., with_error(ec))` leaves failures in ec instead of throwing.
inline auto with_error(error_code& ec) { return asio::redirect_error(use_awaitable, ec); }

}  // namespace sekisho::gateway
