// Reads [webauthn] (part of the config parser), after the gateway's tables, whose certificates and
// listeners give the defaults.
#pragma once
#include <filesystem>
#include <set>
#include <string>

#include "core/config/config.hpp"
#include "core/config/table_reader.hpp"

namespace sekisho::config_detail {

const std::set<std::string>& webauthn_keys();
void read_webauthn_config(const table_reader& r, const std::filesystem::path& state_dir, const gateway_config& g,
                          webauthn_config& out);

// A usable RP ID: a lower-case DNS name (letters, digits, '-'; labels of 1–63), not an IP address.
bool valid_rp_id(std::string_view host);

}  // namespace sekisho::config_detail
