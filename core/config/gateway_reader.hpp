// Reads [gateway], [[gateway.certificate]], [[upstream]] and [[rule]] (part of the config parser).
#pragma once
#include <filesystem>
#include <string>
#include <toml.hpp>
#include <vector>

#include "core/config/gateway_config.hpp"

namespace sekisho::config_detail {

// Top-level names this reader validates itself (arrays of tables and nested tables).
const std::vector<std::string>& gateway_top_level_names();
void read_gateway_config(const toml::value& root, const std::filesystem::path& state_dir, gateway_config& out);
std::vector<std::string> gateway_config_keys();

class table_reader;
// http(s)://host[:port], and a /path (with its query) when `with_path`; the key named in every error.
void read_http_url(const table_reader& r, const std::string& key, std::string& text, http_url& out, bool with_path);

}  // namespace sekisho::config_detail
