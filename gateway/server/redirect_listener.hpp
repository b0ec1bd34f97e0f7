// The optional plain-HTTP listener: it serves nothing, it only sends the browser to HTTPS on the same
// host and path (never to another host: the Host is validated and the target normalised first).
#pragma once
#include <cstdint>

#include "gateway/net/asio.hpp"

namespace sekisho::gateway {

class worker;

awaitable<void> serve_redirect(worker& w, tcp_socket socket, std::uint16_t https_port);

}  // namespace sekisho::gateway
