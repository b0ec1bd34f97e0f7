// A unix socket path as a sockaddr_un, shared by the server and the client.
#pragma once
#include <sys/un.h>

#include <filesystem>

namespace sekisho::authd {

// False when the path is empty or does not fit in sun_path (108 bytes on Linux, with the NUL).
bool make_unix_address(const std::filesystem::path& path, sockaddr_un& addr);

}  // namespace sekisho::authd
