// Common passwords that attackers try first (john's password.lst and cracklib's dictionary), embedded
// into the binary at build time so there is no file to lose or tamper with on the appliance.
#pragma once
#include <cstddef>
#include <string_view>

namespace sekisho::password {

// `normalized_lowercase`: the whole password after NFKC and lowercase().
bool is_blocklisted(std::string_view normalized_lowercase);
std::size_t blocklist_size();

}  // namespace sekisho::password
