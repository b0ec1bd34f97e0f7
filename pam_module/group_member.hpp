// `ignore_users_in=GROUP`: is the user in this local group (primary or supplementary)? Read from the
// system's group database (/etc/group, NSS), which no user can write.
#pragma once
#include <string>

namespace sekisho::pam {

bool in_local_group(const std::string& user, const std::string& group);

}  // namespace sekisho::pam
