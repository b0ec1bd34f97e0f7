// One client connection on the HTTPS listener: TLS handshake, then requests one after another
// (keep-alive), each read with deadlines, checked, decided and forwarded.
#pragma once
#include "gateway/net/asio.hpp"

namespace sekisho::gateway {

class worker;

awaitable<void> serve_client(worker& w, tcp_socket socket);

}  // namespace sekisho::gateway
