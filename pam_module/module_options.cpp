#include "pam_module/module_options.hpp"

#include <cctype>
#include <charconv>
#include <optional>

namespace sekisho::pam {
namespace {

constexpr int max_timeout_seconds = 120;

// Paths are absolute: a relative one would depend on the calling daemon's working directory.
bool absolute_path(std::string_view v) { return !v.empty() && v.front() == '/' && v.find('\0') == std::string_view::npos; }

// tls://HOST:PORT, HOST a name or an address ([…] for IPv6), PORT 1-65535.
std::optional<remote_server> parse_url(std::string_view v) {
  constexpr std::string_view scheme = "tls://";
  if (!v.starts_with(scheme)) return std::nullopt;
  v.remove_prefix(scheme.size());
  const auto colon = v.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  auto host = v.substr(0, colon);
  const auto port = v.substr(colon + 1);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return std::nullopt;
    host = host.substr(1, host.size() - 2);
  }
  int number = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
  if (ec != std::errc() || end != port.data() + port.size() || number < 1 || number > 65535) return std::nullopt;
  for (char c : host)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':')) return std::nullopt;
  return remote_server{std::string(host), std::string(port), {}, {}};
}

result<void> apply(module_options& o, std::string_view key, std::string_view value, bool has_value) {
  auto bad = [&](std::string_view why) {
    return make_error("option " + std::string(key) + ": " + std::string(why));
  };
  if (!has_value) {
    if (key == "use_first_pass") o.password = first_pass::use;
    else if (key == "try_first_pass") o.password = first_pass::try_;
    else if (key == "ignore_unenrolled") o.ignore_unenrolled = true;
    else if (key == "debug") o.debug = true;
    else return make_error("unknown option " + std::string(key));
    return {};
  }
  if (key == "mode") {
    if (value == "prompt") o.mode = prompt_mode::prompt;
    else if (value == "combined") o.mode = prompt_mode::combined;
    else if (value == "approve") o.mode = prompt_mode::approve;
    else return bad("must be prompt, combined or approve");
  } else if (key == "socket") {
    if (!absolute_path(value)) return bad("must be an absolute path");
    o.socket = std::string(value);
  } else if (key == "url") {
    auto server = parse_url(value);
    if (!server) return bad("must be tls://HOST:PORT");
    if (!o.remote) o.remote.emplace();
    o.remote->host = server->host;
    o.remote->port = server->port;
  } else if (key == "ca" || key == "token_file") {
    if (!absolute_path(value)) return bad("must be an absolute path");
    if (!o.remote) o.remote.emplace();
    (key == "ca" ? o.remote->ca_file : o.remote->token_file) = std::string(value);
  } else if (key == "timeout") {
    int seconds = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec != std::errc() || end != value.data() + value.size() || seconds < 1 || seconds > max_timeout_seconds)
      return bad("must be whole seconds from 1 to 120");
    o.timeout = std::chrono::seconds(seconds);
  } else if (key == "ignore_users_in") {
    if (value.empty()) return bad("needs a group name");
    o.ignore_group = std::string(value);
  } else if (key == "debug_file") {
    if (!absolute_path(value)) return bad("must be an absolute path");
    o.debug_file = std::string(value);
    o.debug = true;
  } else {
    return make_error("unknown option " + std::string(key));
  }
  return {};
}

}  // namespace

result<module_options> parse_module_options(const std::vector<std::string_view>& args) {
  module_options o;
  for (const auto arg : args) {
    const auto eq = arg.find('=');
    const bool has_value = eq != std::string_view::npos;
    const auto key = arg.substr(0, eq);
    if (auto r = apply(o, key, has_value ? arg.substr(eq + 1) : std::string_view(), has_value); !r)
      return r.err();
  }
  // A remote server needs all three: where, which CA to trust, and this server's token.
  if (o.remote && (o.remote->host.empty() || o.remote->ca_file.empty() || o.remote->token_file.empty()))
    return make_error("options url, ca and token_file go together (all three, or none for the local socket)");
  return o;
}

}  // namespace sekisho::pam
