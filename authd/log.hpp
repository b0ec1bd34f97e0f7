// One line per event on stderr (the journal under systemd). Never pass request bodies here:
// they carry passwords and codes.
#pragma once
#include <string_view>

namespace sekisho::authd {

void log_line(std::string_view message);

}  // namespace sekisho::authd
