// TOML → config, with one clear message naming the key at fault.
#include "core/config/config.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <toml.hpp>

#include "core/config/gateway_reader.hpp"
#include "core/config/table_reader.hpp"
#include "core/config/webauthn_reader.hpp"
#include "core/util/utf8.hpp"

namespace sekisho {
namespace {

namespace fs = std::filesystem;
using config_detail::bad_key;
using config_detail::table_reader;

// Which keys each table may hold; "" is the top level.
const std::map<std::string, std::set<std::string>>& schema() {
  static const std::map<std::string, std::set<std::string>> s = {
      {"", {"state_dir"}},
      {"authd", {"socket", "clients", "max_connections", "request_timeout", "clock_check"}},
      {"password",
       {"profile", "min_length", "memory_kib", "iterations", "parallelism", "max_concurrent_hashes"}},
      {"totp", {"issuer", "algorithm", "digits", "period", "window"}},
      {"throttle",
       {"free_failures", "base_delay", "max_delay", "lock_after", "source_free_failures", "forget_after"}},
      {"audit", {"key_file", "head_log_interval"}},
      {"enrollment", {"url", "lifetime"}},
      {"session", {"idle_timeout", "absolute_timeout"}},
      {"break_glass", {"enabled", "session_lifetime", "accept_recovery_codes", "webhook_url"}},
      {"pam", {"approve_url", "approval_timeout", "approve_groups"}},
      {"keys", {"master_key_file"}},
      {"webauthn", config_detail::webauthn_keys()},
  };
  return s;
}

void check_known_keys(const toml::value& root) {
  const auto& s = schema();
  const auto& delegated = config_detail::gateway_top_level_names();
  for (const auto& [key, value] : root.as_table()) {
    if (std::find(delegated.begin(), delegated.end(), key) != delegated.end()) continue;  // read_gateway_config
    if (value.is_table()) {
      auto it = s.find(key);
      if (it == s.end() || key.empty()) throw bad_key{"[" + key + "]: unknown table"};
      for (const auto& [sub, _] : value.as_table())
        if (!it->second.count(sub)) throw bad_key{key + "." + sub + ": unknown key"};
    } else if (!s.at("").count(key)) {
      throw bad_key{key + ": unknown key"};
    }
  }
}

table_reader reader_for(const toml::value& root, const std::string& name) {
  const auto& t = root.as_table();
  auto it = t.find(name);
  return table_reader(it == t.end() ? nullptr : &it->second, name);
}

fs::path inside(const fs::path& base, const fs::path& p) { return p.is_absolute() ? p : base / p; }

void read_all(const toml::value& root, config& c) {
  using std::chrono::seconds;
  table_reader top(&root, "");
  fs::path state_dir = "/var/lib/sekisho";
  top.path("state_dir", state_dir);

  auto a = reader_for(root, "authd");
  fs::path socket = "authd.sock";
  a.path("socket", socket);
  a.string_list("clients", c.authd.clients);
  a.integer("max_connections", c.authd.max_connections, 1, 4096);
  a.duration("request_timeout", c.authd.request_timeout, seconds(1), seconds(600));
  a.boolean("clock_check", c.authd.clock_check);

  auto p = reader_for(root, "password");
  p.choice("profile", c.password.profile,
           std::map<std::string, password_profile>{{"mhlw", password_profile::mhlw},
                                                   {"nist", password_profile::nist}});
  p.integer("min_length", c.password.min_length, 8, 64);
  // 19 MiB/t=2 is OWASP's floor for Argon2id; 4 GiB would exhaust a small box.
  p.integer("memory_kib", c.password.memory_kib, 19456, 4194304);
  p.integer("iterations", c.password.iterations, 1, 100);
  // libsodium's Argon2id runs one lane; a different value would be silently ignored, so refuse it.
  p.integer("parallelism", c.password.parallelism, 1, 1);
  p.integer("max_concurrent_hashes", c.password.max_concurrent_hashes, 1, 64);

  auto t = reader_for(root, "totp");
  t.string("issuer", c.totp.issuer);
  if (c.totp.issuer.empty() || c.totp.issuer.find(':') != std::string::npos)
    t.fail("issuer", "must be non-empty and contain no ':'");
  t.choice("algorithm", c.totp.algorithm,
           std::map<std::string, totp_algorithm>{{"SHA1", totp_algorithm::sha1},
                                                 {"SHA256", totp_algorithm::sha256},
                                                 {"SHA512", totp_algorithm::sha512}});
  t.integer("digits", c.totp.digits, 6, 8);
  t.duration("period", c.totp.period, seconds(15), seconds(120));
  t.integer("window", c.totp.window, 0, 2);

  auto th = reader_for(root, "throttle");
  th.integer("free_failures", c.throttle.free_failures, 1, 50);
  th.duration("base_delay", c.throttle.base_delay, seconds(1), seconds(3600));
  th.duration("max_delay", c.throttle.max_delay, seconds(1), seconds(86400));
  th.integer("lock_after", c.throttle.lock_after, 5, 100);  // NIST SP 800-63B-4: at most 100
  th.integer("source_free_failures", c.throttle.source_free_failures, 1, 10000);
  th.duration("forget_after", c.throttle.forget_after, seconds(60), seconds(30 * 86400));
  if (c.throttle.max_delay < c.throttle.base_delay) th.fail("max_delay", "must not be below base_delay");

  auto au = reader_for(root, "audit");
  fs::path audit_key = "audit.key";
  au.path("key_file", audit_key);
  au.duration("head_log_interval", c.audit.head_log_interval, seconds(10), seconds(86400));

  auto e = reader_for(root, "enrollment");
  e.string("url", c.enrollment.url);
  if (c.enrollment.url.rfind("https://", 0) != 0 && c.enrollment.url.rfind("http://", 0) != 0)
    e.fail("url", "must start with https:// or http://");
  e.duration("lifetime", c.enrollment.lifetime, seconds(300), seconds(30 * 86400));

  auto se = reader_for(root, "session");
  // NIST SP 800-63B-4 §2.2.3 (AAL2): inactivity at most 1 h, overall at most 24 h.
  se.duration("idle_timeout", c.session.idle_timeout, seconds(60), seconds(3600));
  se.duration("absolute_timeout", c.session.absolute_timeout, seconds(300), seconds(24 * 3600));
  if (c.session.absolute_timeout < c.session.idle_timeout)
    se.fail("absolute_timeout", "must not be below idle_timeout");

  auto bg = reader_for(root, "break_glass");
  bg.boolean("enabled", c.break_glass.enabled);
  bg.duration("session_lifetime", c.break_glass.session_lifetime, seconds(300), seconds(4 * 3600));
  bg.boolean("accept_recovery_codes", c.break_glass.accept_recovery_codes);
  if (bg.has("webhook_url"))
    config_detail::read_http_url(bg, "webhook_url", c.break_glass.webhook_url, c.break_glass.webhook, true);

  auto k = reader_for(root, "keys");
  fs::path master = "master.key";
  k.path("master_key_file", master);

  const fs::path base = c.source.has_parent_path() ? c.source.parent_path() : fs::path(".");
  c.state_dir = fs::absolute(inside(base, state_dir)).lexically_normal();
  c.database = c.state_dir / "sekisho.db";
  c.authd.socket = inside(c.state_dir, socket);
  c.audit.key_file = inside(c.state_dir, audit_key);
  c.master_key_file = inside(c.state_dir, master);
  config_detail::read_gateway_config(root, c.state_dir, c.gateway);
  config_detail::read_webauthn_config(reader_for(root, "webauthn"), c.state_dir, c.gateway, c.webauthn);

  auto pam = reader_for(root, "pam");
  pam.string("approve_url", c.pam.approve_url);
  if (!pam.has("approve_url"))
    c.pam.approve_url = (c.webauthn.origins.empty() ? std::string("https://localhost") : c.webauthn.origins.front()) +
                        "/.sekisho/approve";
  else if (!c.pam.approve_url.starts_with("https://"))
    pam.fail("approve_url", "must start with https://");
  pam.duration("approval_timeout", c.pam.approval_timeout, seconds(30), seconds(600));
  pam.string_list("approve_groups", c.pam.approve_groups);
}

}  // namespace

result<config> parse_config(std::string_view toml_text, const fs::path& source) {
  config c;
  c.source = source;
  // TOML is UTF-8; toml11 3.7 reads past the buffer on some invalid sequences (toml11#199).
  if (!valid_utf8(toml_text)) return make_error(source.string() + ": not valid UTF-8");
  try {
    std::istringstream in{std::string(toml_text)};
    const toml::value root = toml::parse(in, source.string());
    check_known_keys(root);
    read_all(root, c);
  } catch (const bad_key& e) {
    return make_error(source.string() + ": " + e.message);
  } catch (const std::exception& e) {
    // toml11's messages span several lines; the first names the problem and the location.
    std::string m = e.what();
    for (auto& ch : m)
      if (ch == '\n') ch = ' ';
    return make_error(source.string() + ": not valid TOML: " + m);
  }
  return c;
}

result<config> load_config(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(path.string() + ": cannot read the config file");
  std::ostringstream buf;
  buf << in.rdbuf();
  if (buf.str().size() > 1024 * 1024) return make_error(path.string() + ": config file is larger than 1 MiB");
  return parse_config(buf.str(), path);
}

std::vector<std::string> known_config_keys() {
  std::vector<std::string> out;
  for (const auto& [table, keys] : schema())
    for (const auto& k : keys) out.push_back(table.empty() ? k : table + "." + k);
  for (auto& k : config_detail::gateway_config_keys()) out.push_back(std::move(k));
  return out;
}

std::string_view to_string(password_profile p) { return p == password_profile::mhlw ? "mhlw" : "nist"; }

std::string_view to_string(totp_algorithm a) {
  switch (a) {
    case totp_algorithm::sha1: return "SHA1";
    case totp_algorithm::sha256: return "SHA256";
    case totp_algorithm::sha512: return "SHA512";
  }
  return "SHA1";
}

}  // namespace sekisho
