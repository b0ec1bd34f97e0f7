// What `sekisho init` asks of a new site (or takes from flags): the host names staff type in the browser,
// the EHR's address, the listen address and the password profile; and the config text that follows.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "cli/args.hpp"
#include "core/util/result.hpp"

namespace sekisho::cli {

struct site {
  std::vector<std::string> hosts;  // names (or addresses) for the certificate; the first is the main one
  std::string upstream;            // http(s)://host:port of the EHR; empty: none yet
  std::string listen = "0.0.0.0:443";
  std::string profile = "mhlw";
};

// From --host/--upstream/--listen/--profile, or, with none of them and a terminal on standard input, by
// asking (Japanese and English). nullopt: nothing given and nobody to ask (the plain default config).
result<std::optional<site>> site_from(const args& a);

// The default config text (already with its state_dir) made into this site's: the gateway's listener,
// certificate (cert_file/key_file), upstream and one two_factor rule, the enrollment links' host, the profile.
std::string site_config(std::string config_text, const site& s, const std::string& cert_file,
                        const std::string& key_file);

// The Debian package's layout (config dir group `sekisho`, user `sekisho-gw`): authd's socket in /run/sekisho
// where the gateway's group reaches it, the gateway among authd's clients, the access log in /var/log/sekisho.
std::string packaged_config(std::string config_text);

// A warning (both languages) when the local time zone is not Japan's, else "".
std::string time_zone_note();

}  // namespace sekisho::cli
