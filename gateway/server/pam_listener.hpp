// The PAM listener (gateway.pam_listen): pam_sekisho.so on other servers speaks authd's framing (a 4-byte
// length, then one JSON object) over TLS with the gateway's certificate. Each request carries the server's
// token in "host_token"; the gateway relays it to authd as pam.remote, where the token is checked and only
// what a PAM module asks is answered. The gateway itself decides nothing and keeps nothing.
#pragma once
#include "gateway/net/asio.hpp"

namespace sekisho::gateway {

class worker;

awaitable<void> serve_pam(worker& w, tcp_socket socket);

}  // namespace sekisho::gateway
