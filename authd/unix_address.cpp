#include "authd/unix_address.hpp"

#include <sys/socket.h>

#include <cstring>

namespace sekisho::authd {

bool make_unix_address(const std::filesystem::path& path, sockaddr_un& addr) {
  const std::string& p = path.native();
  addr = {};
  if (p.empty() || p.size() >= sizeof addr.sun_path) return false;
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, p.c_str(), p.size() + 1);
  return true;
}

}  // namespace sekisho::authd
