// The appliance's own certificate authority, made by `sekisho init`: a CA key and certificate, and a server
// certificate for the gateway's host names signed by it. A clinic installs the CA certificate on its
// workstations once; a hospital with its own PKI replaces the server certificate instead.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "core/util/result.hpp"

namespace sekisho::cli {

// A P-256 CA (10 years) named after `name`: the key written 0600, the certificate 0644. Never overwrites.
result<void> create_local_ca(const std::filesystem::path& cert, const std::filesystem::path& key, const std::string& name);

// A P-256 server certificate for `hosts` (DNS names or IP addresses; the first is the subject), valid 825
// days, signed by the CA at ca_cert/ca_key. Never overwrites.
result<void> issue_server_certificate(const std::filesystem::path& ca_cert, const std::filesystem::path& ca_key,
                                      const std::vector<std::string>& hosts, const std::filesystem::path& cert,
                                      const std::filesystem::path& key);

}  // namespace sekisho::cli
