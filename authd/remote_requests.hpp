// pam.remote: a login request of pam_sekisho.so on another server, relayed by the gateway's PAM listener with
// the server's token. authd checks the token (only its hash is stored, a revoked one is refused), names the
// request's host after the registered server rather than what the request claims, and answers the inner
// request through the same table, limited to what a PAM module asks.
#pragma once
#include "authd/request_table.hpp"
#include "core/store/connection_pool.hpp"
#include "core/util/clock.hpp"

namespace sekisho::authd {

void register_remote_requests(request_table& table, store::connection_pool& pool, clock_fn now);

}  // namespace sekisho::authd
