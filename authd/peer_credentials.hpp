// Who is on the other end of an accepted unix socket, from the kernel (SO_PEERCRED), not from
// anything the peer says.
#pragma once
#include "authd/request_table.hpp"
#include "core/util/result.hpp"

namespace sekisho::authd {

// The peer's uid/gid/pid as of connect(); `admin` is set for root and authd's own effective uid.
result<caller> peer_credentials(int fd);

}  // namespace sekisho::authd
