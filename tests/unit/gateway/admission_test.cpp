#include "gateway/http/admission.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace sekisho;
using namespace sekisho::gateway;

namespace {

access_rule rule(std::string name, std::string host, std::vector<std::string> paths, access action) {
  access_rule r;
  r.name = std::move(name);
  r.hosts = {std::move(host)};
  r.path_prefixes = std::move(paths);
  r.action = action;
  return r;
}

// A Linux EHR on ehr.local and an IIS results server on lab.local, each with an admin area closed to all.
gateway_config two_servers() {
  gateway_config g;
  upstream_config ehr;
  ehr.name = "ehr";
  ehr.hosts = {"ehr.local"};
  upstream_config lab;
  lab.name = "lab";
  lab.hosts = {"lab.local"};
  lab.windows_paths = true;
  g.upstreams = {ehr, lab};
  g.rules = {rule("ehr admin", "ehr.local", {"/admin"}, access::deny),
             rule("ehr", "ehr.local", {"/"}, access::bypass),
             rule("lab admin", "lab.local", {"/Admin"}, access::deny),
             rule("lab", "lab.local", {"/"}, access::bypass)};
  return g;
}

admission_kind kind(const gateway_config& g, std::string_view host, std::string_view target) {
  return admit(g, host, target, "GET", *parse_ip_address("192.0.2.10"), nullptr).kind;
}

}  // namespace

TEST_CASE("a Windows upstream's rules see /ADMIN as /admin, and its name aliases are refused") {
  const auto g = two_servers();
  for (const char* target : {"/admin", "/ADMIN", "/Admin/Users.aspx", "/aDmIn;x"}) {
    CAPTURE(target);
    CHECK(kind(g, "lab.local", target) == admission_kind::deny);
  }
  for (const char* target : {"/admin.", "/admin%20", "/ADMINI~1/", "/admin::$DATA", "/admin%2e"}) {
    CAPTURE(target);
    const auto a = admit(g, "lab.local", target, "GET", *parse_ip_address("192.0.2.10"), nullptr);
    CHECK(a.kind == admission_kind::bad_request);
    CHECK(a.problem.starts_with("Windows path alias: "));
  }
  const auto page =
      admit(g, "lab.local", "/Results/View.aspx?id=7", "GET", *parse_ip_address("192.0.2.10"), nullptr);
  CHECK(page.kind == admission_kind::forward);
  CHECK(page.upstream == 1);
  CHECK(page.target.path == "/Results/View.aspx");  // forwarded in the case the browser sent
}

TEST_CASE("a Linux upstream's paths stay exact: /ADMIN is another page, and a trailing dot a plain name") {
  const auto g = two_servers();
  CHECK(kind(g, "ehr.local", "/admin") == admission_kind::deny);
  CHECK(kind(g, "ehr.local", "/ADMIN") == admission_kind::forward);
  CHECK(kind(g, "ehr.local", "/admin.") == admission_kind::forward);
  CHECK(kind(g, "ehr.local", "/admin::$DATA") == admission_kind::forward);
}

TEST_CASE("default deny, the portal prefix, logins, and hosts no upstream serves") {
  auto g = two_servers();
  g.rules.push_back(rule("charts", "other.local", {"/chart"}, access::two_factor));
  g.rules.push_back(rule("open", "other.local", {"/"}, access::bypass));
  CHECK(kind(g, "nobody.local", "/") == admission_kind::deny);
  CHECK(kind(g, "nobody.local", "/.sekisho/login") == admission_kind::portal);
  CHECK(kind(g, "lab.local", "/x/../.sekisho/login") == admission_kind::portal);
  CHECK(kind(g, "other.local", "/chart/1") == admission_kind::login);
  CHECK(kind(g, "other.local", "/open") == admission_kind::not_found);
  CHECK(kind(g, "lab.local", "/a%2Fb") == admission_kind::bad_request);
  session_identity nurse{"nurse", {}, "", 2, ""};
  CHECK(admit(g, "other.local", "/chart/1", "GET", *parse_ip_address("192.0.2.10"), &nurse).kind ==
        admission_kind::not_found);
}
