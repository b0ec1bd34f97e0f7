// The group whose members are Sekisho's administrators: `sekisho init` puts the first admin in it,
// `sekisho user add --admin` is shorthand for it, and the metrics page admits its members from anywhere.
// Being an admin is membership and nothing else, so `sekisho user groups NAME --remove admins` ends it.
#pragma once
#include <string_view>

namespace sekisho::store {

inline constexpr std::string_view admin_group = "admins";

}  // namespace sekisho::store
