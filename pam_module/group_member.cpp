#include "pam_module/group_member.hpp"

#include <grp.h>
#include <pwd.h>

#include <vector>

namespace sekisho::pam {

bool in_local_group(const std::string& user, const std::string& group) {
  std::vector<char> buffer(16384);
  struct group g {};
  struct group* found_group = nullptr;
  if (::getgrnam_r(group.c_str(), &g, buffer.data(), buffer.size(), &found_group) != 0 || found_group == nullptr)
    return false;
  const gid_t wanted = g.gr_gid;
  std::vector<char> pw_buffer(16384);
  struct passwd pw {};
  struct passwd* found_user = nullptr;
  if (::getpwnam_r(user.c_str(), &pw, pw_buffer.data(), pw_buffer.size(), &found_user) != 0 || found_user == nullptr)
    return false;
  int count = 64;
  std::vector<gid_t> groups(static_cast<std::size_t>(count));
  if (::getgrouplist(user.c_str(), pw.pw_gid, groups.data(), &count) < 0) {
    groups.resize(static_cast<std::size_t>(count));
    if (::getgrouplist(user.c_str(), pw.pw_gid, groups.data(), &count) < 0) return false;
  }
  groups.resize(static_cast<std::size_t>(count));
  for (const auto id : groups)
    if (id == wanted) return true;
  return false;
}

}  // namespace sekisho::pam
