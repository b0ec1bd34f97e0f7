#include "core/login/group_name.hpp"

#include "core/util/utf8.hpp"

namespace sekisho::login {

bool valid_group_name(std::string_view name) {
  return printable_label(name, 64) && name.find(',') == std::string_view::npos && !name.starts_with(' ') &&
         !name.ends_with(' ');
}

}  // namespace sekisho::login
