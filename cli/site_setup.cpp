#include "cli/site_setup.hpp"

#include <unistd.h>

#include <ctime>
#include <iostream>

#include "core/config/config.hpp"

namespace sekisho::cli {
namespace {

std::string toml_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::vector<std::string> split_names(const std::string& text) {
  std::vector<std::string> out;
  std::string name;
  for (char c : text + ",") {
    if (c == ',' || c == ' ') {
      if (!name.empty()) out.push_back(name);
      name.clear();
    } else {
      name += c;
    }
  }
  return out;
}

std::string ask(const std::string& question, const std::string& fallback) {
  std::cout << question << (fallback.empty() ? "" : " [" + fallback + "]") << ": " << std::flush;
  std::string line;
  if (!std::getline(std::cin, line) || line.empty()) return fallback;
  return line;
}

result<void> check(const site& s) {
  if (s.hosts.empty()) return make_error("--host: at least one host name");
  for (const auto& h : s.hosts)
    for (char c : h)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '*'))
        return make_error("--host: '" + h + "' is not a host name");
  if (!s.upstream.empty() && !s.upstream.starts_with("http://") && !s.upstream.starts_with("https://"))
    return make_error("--upstream: use http://HOST:PORT or https://HOST:PORT");
  if (s.profile != "mhlw" && s.profile != "nist") return make_error("--profile: mhlw or nist");
  if (s.listen.rfind(':') == std::string::npos) return make_error("--listen: ADDRESS:PORT");
  return {};
}

void replace_line(std::string& text, const std::string& line, const std::string& with) {
  if (const auto at = text.find(line); at != std::string::npos) text.replace(at, line.size(), with);
}

}  // namespace

result<std::optional<site>> site_from(const args& a) {
  site s;
  for (const auto& h : a.all("--host"))
    for (auto& n : split_names(h)) s.hosts.push_back(n);
  s.upstream = a.get("--upstream");
  s.listen = a.get("--listen", s.listen);
  s.profile = a.get("--profile", s.profile);
  const bool flags = !s.hosts.empty() || !a.get("--upstream").empty() || !a.get("--listen").empty() ||
                     !a.get("--profile").empty();
  if (!flags) {
    if (!::isatty(STDIN_FILENO)) return std::optional<site>();
    std::cout << "新しい Sekisho の設定です。Enter で [ ] の値になります。 / Setting up Sekisho; Enter takes the value in [ ].\n";
    s.hosts = split_names(ask("職員がブラウザで開く名前（複数はカンマ区切り） / Host name(s) staff open in the browser",
                              "sekisho.local"));
    s.upstream = ask("電子カルテのアドレス / Address of the EHR (http://10.0.0.5:8080)", "");
    s.profile = ask("パスワードの方針 mhlw（厚労省）/ nist / Password profile", "mhlw");
  }
  if (auto ok = check(s); !ok) return ok.err();
  return std::optional<site>(std::move(s));
}

std::string site_config(std::string text, const site& s, const std::string& cert_file, const std::string& key_file) {
  const auto port = s.listen.substr(s.listen.rfind(':') + 1);
  const auto origin = "https://" + s.hosts.front() + (port == "443" ? "" : ":" + port);
  replace_line(text, "url = \"https://sekisho.local/.sekisho/enroll\"", "url = " + toml_string(origin + "/.sekisho/enroll"));
  replace_line(text, "profile = \"mhlw\"", "profile = " + toml_string(s.profile));
  std::string hosts;
  for (const auto& h : s.hosts) hosts += (hosts.empty() ? "" : ", ") + toml_string(h);
  text += "\n# Written by `sekisho init` for this site.\n[gateway]\nlisten = [" + toml_string(s.listen) + "]\n\n"
          "# The server certificate from init's local CA. A hospital-issued certificate goes here instead.\n"
          "[[gateway.certificate]]\nhosts = [" + hosts + "]\ncert_file = " + toml_string(cert_file) +
          "\nkey_file = " + toml_string(key_file) + "\n";
  if (!s.upstream.empty())
    text += "\n[[upstream]]\nname = \"ehr\"\nurl = " + toml_string(s.upstream) +
            "\n\n# Everything behind two factors. Add rules above this one to open or close paths.\n"
            "[[rule]]\nname = \"everything\"\naction = \"two_factor\"\n";
  return text;
}

std::string packaged_config(std::string text) {
  replace_line(text, "socket = \"authd.sock\"", "socket = \"/run/sekisho/authd.sock\"");
  replace_line(text, "clients = [\"root\"]", "clients = [\"root\", \"sekisho-gw\"]");
  replace_line(text, "[gateway]\n", "[gateway]\naccess_log = \"/var/log/sekisho/access.log\"\n");
  return text;
}

std::string time_zone_note() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  ::localtime_r(&now, &local);
  if (local.tm_gmtoff == 9 * 3600) return "";
  char zone[16] = "";
  std::strftime(zone, sizeof zone, "%Z", &local);
  return std::string("注意: この機械の時間帯は ") + zone + " です（日本時間ではありません）。ログの時刻はこの時間帯で表示されます。"
         "変えるには: timedatectl set-timezone Asia/Tokyo\n"
         "Note: this machine's time zone is " + zone + ", not Japan's; logs show local times in it. "
         "To change it: timedatectl set-timezone Asia/Tokyo\n";
}

}  // namespace sekisho::cli
