// `sekisho gateway` (the TLS reverse proxy) and `sekisho check-policy` (which rule a URL meets, and why).
#include <csignal>
#include <iostream>

#include "cli/admin_context.hpp"
#include "cli/command.hpp"
#include "core/config/config.hpp"
#include "gateway/http/admission.hpp"
#include "gateway/server/gateway_server.hpp"

namespace sekisho::cli {
namespace {

namespace fs = std::filesystem;

int run_gateway_command(const args&, const fs::path& config_path) {
  auto cfg = load_config(config_path);
  if (!cfg) return fail(cfg.message());
  signal(SIGPIPE, SIG_IGN);
  signal(SIGXFSZ, SIG_IGN);  // past a file-size limit, the access log's write fails (and is retried): no crash
  auto code = gateway::run_gateway(config_path, std::move(*cfg));
  if (!code) return fail(code.message());
  return *code;
}

const char* describe(gateway::admission_kind k) {
  switch (k) {
    case gateway::admission_kind::forward: return "forwarded";
    case gateway::admission_kind::portal: return "served by Sekisho itself (reserved prefix /.sekisho/)";
    case gateway::admission_kind::login: return "sent to the login page first";
    case gateway::admission_kind::deny: return "refused (403)";
    case gateway::admission_kind::not_found: return "allowed, but no upstream serves it (404)";
    case gateway::admission_kind::bad_request: return "refused as malformed (400)";
  }
  return "?";
}

// check-policy --url https://host/path [--user NAME --group G ...] [--from ADDRESS] [--method M]
int run_check_policy(const args& a, const fs::path& config_path) {
  if (a.options.count("--url") == 0) {
    std::cerr << "sekisho check-policy: --url is needed: the URL to judge, as https://host/path\n";
    return exit_usage;
  }
  auto cfg = load_config(config_path);
  if (!cfg) return fail(cfg.message());
  const std::string url = a.get("--url");
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return fail("--url: expected https://host/path");
  const auto rest = url.substr(scheme_end + 3);
  const auto slash = rest.find('/');
  auto host = gateway::host_from_header(rest.substr(0, slash));
  if (!host) return fail("--url: " + host.message());
  const std::string target = slash == std::string::npos ? "/" : rest.substr(slash);
  auto from = parse_ip_address(a.get("--from", "127.0.0.1"));
  if (!from) return fail("--from: " + from.message());
  std::optional<gateway::session_identity> who;
  if (a.options.count("--user")) who = gateway::session_identity{a.get("--user"), a.all("--group"), "", 2, ""};

  const auto d = gateway::admit(cfg->gateway, *host, target, a.get("--method", "GET"), *from, who ? &*who : nullptr,
                                reason_text::written);
  std::cout << "request: " << a.get("--method", "GET") << " " << *host << " " << d.target.path
            << (d.target.has_query ? "?" + d.target.query : "") << " from " << to_string(*from)
            << (who ? " as " + who->user + " (logged in with two factors)" : " (not logged in)") << "\n";
  if (d.kind == gateway::admission_kind::bad_request) {
    std::cout << "result: " << describe(d.kind) << ": " << d.problem << "\n";
    return exit_failed;
  }
  if (d.kind != gateway::admission_kind::portal)
    std::cout << "rule:   " << d.decision.reason << "\n";
  if (d.upstream >= 0) std::cout << "upstream: " << cfg->gateway.upstreams[static_cast<std::size_t>(d.upstream)].name << "\n";
  std::cout << "result: " << describe(d.kind) << "\n";
  return d.kind == gateway::admission_kind::deny ? exit_failed : exit_ok;
}

}  // namespace

std::vector<command> gateway_commands() {
  return {
      {"gateway", "run the TLS reverse proxy in the foreground (SIGHUP reloads, SIGTERM drains)", "",
       {{}, {}, 0, 0}, run_gateway_command},
      {"check-policy", "tell which rule applies to a URL and why",
       "--url URL [--method M] [--from ADDRESS] [--user NAME [--group G]...]",
       {{"--url", "--user", "--from", "--method", "--group"}, {}, 0, 0}, run_check_policy},
  };
}

}  // namespace sekisho::cli
