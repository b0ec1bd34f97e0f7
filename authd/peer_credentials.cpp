#include "authd/peer_credentials.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sekisho::authd {

result<caller> peer_credentials(int fd) {
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
    return make_error(std::string("SO_PEERCRED: ") + std::strerror(errno));
  if (len != sizeof cred) return make_error("SO_PEERCRED: short answer");
  caller who;
  who.uid = cred.uid;
  who.gid = cred.gid;
  who.pid = cred.pid;
  who.admin = cred.uid == 0 || cred.uid == ::geteuid();
  return who;
}

}  // namespace sekisho::authd
