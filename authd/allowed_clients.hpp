// authd.clients (local user names) → the uids admitted at accept time.
#pragma once
#include <sys/types.h>

#include <string>
#include <vector>

#include "core/util/result.hpp"

namespace sekisho::authd {

// Resolves each name with getpwnam_r; an unknown name is a startup error that names it.
// The result also holds root and authd's own uid, which are always admitted (as admins).
result<std::vector<uid_t>> resolve_client_uids(const std::vector<std::string>& names);

}  // namespace sekisho::authd
