#include "authd/allowed_clients.hpp"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace sekisho::authd {

result<std::vector<uid_t>> resolve_client_uids(const std::vector<std::string>& names) {
  std::vector<uid_t> uids{0, ::geteuid()};
  std::vector<char> buf(16384);
  for (const auto& name : names) {
    passwd pw{};
    passwd* found = nullptr;
    int rc = 0;
    while ((rc = ::getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found)) == ERANGE && buf.size() < (1u << 20))
      buf.resize(buf.size() * 2);
    if (rc != 0) return make_error("authd.clients: cannot look up user '" + name + "': " + std::strerror(rc));
    if (found == nullptr) return make_error("authd.clients: no such user '" + name + "'");
    uids.push_back(pw.pw_uid);
  }
  std::sort(uids.begin(), uids.end());
  uids.erase(std::unique(uids.begin(), uids.end()), uids.end());
  return uids;
}

}  // namespace sekisho::authd
