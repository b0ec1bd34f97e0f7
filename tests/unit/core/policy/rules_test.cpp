#include "core/policy/rules.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/policy/target.hpp"

using namespace sekisho;

namespace {

access_rule rule(std::string name, std::vector<std::string> paths, access action) {
  access_rule r;
  r.name = std::move(name);
  r.path_prefixes = std::move(paths);
  r.action = action;
  return r;
}

request_facts facts(std::string_view path, std::string_view method = "GET", std::string_view host = "ehr.local") {
  request_facts f;
  f.host = host;
  f.path = path;
  f.method = method;
  f.source = *parse_ip_address("192.0.2.10");
  return f;
}

// A hospital-shaped policy: admin pages need two factors, the public folder needs nothing, the rest one.
std::vector<access_rule> hospital_rules() {
  return {rule("admin", {"/admin"}, access::two_factor), rule("public", {"/public"}, access::bypass),
          rule("rest", {"/"}, access::one_factor)};
}

// What the gateway does with a raw target: normalise once, then judge that path.
access_decision judge(const std::vector<access_rule>& rules, std::string_view raw) {
  auto t = normalize_target(raw);
  INFO(raw);
  REQUIRE(t.ok());
  return decide_access(rules, facts(t->path));
}

}  // namespace

TEST_CASE("a request no rule matches is denied") {
  for (const auto& rules : {std::vector<access_rule>{}, std::vector<access_rule>{rule("", {"/x"}, access::bypass)}}) {
    const auto d = decide_access(rules, facts("/admin"));
    CHECK(d.action == access::deny);
    CHECK(d.rule_index == -1);
    CHECK_FALSE(d.login_to_decide);
    CHECK(d.reason == "no rule matched: denied by default");
  }
}

TEST_CASE("the first matching rule wins, and the reason names it") {
  std::vector<access_rule> rules = {rule("everything", {"/"}, access::bypass), rule("admin", {"/admin"}, access::deny)};
  auto d = decide_access(rules, facts("/admin"));
  CHECK(d.action == access::bypass);
  CHECK(d.rule_index == 0);
  CHECK(d.reason == "rule \"everything\" (#1): path / → bypass");

  access_rule pacs;
  pacs.name = "pacs-admins";
  pacs.hosts = {"pacs.local"};
  pacs.path_prefixes = {"/login", "/admin"};
  pacs.groups = {"staff", "admins"};
  pacs.action = access::two_factor;
  rules = {rule("rule 1", {"/x"}, access::bypass), rule("", {"/y"}, access::bypass), pacs};
  auto f = facts("/admin/users", "GET", "pacs.local");
  const std::vector<std::string> admins_only{"admins"};
  f.groups = &admins_only;
  d = decide_access(rules, f);
  CHECK(d.rule_index == 2);
  CHECK(d.reason == "rule \"pacs-admins\" (#3): host pacs.local, path /admin, group admins → two_factor");
  CHECK(decide_access(rules, facts("/x")).reason == "rule 1: path /x → bypass");
  CHECK(decide_access(rules, facts("/y")).reason == "rule 2: path /y → bypass");
  CHECK(decide_access({access_rule{}}, facts("/")).reason == "rule 1: any request → deny");
}

TEST_CASE("the path judged is the normalised one") {
  const auto rules = hospital_rules();
  CHECK(judge(rules, "//admin").action == access::two_factor);
  CHECK(judge(rules, "/public/../admin").action == access::two_factor);
  CHECK(judge(rules, "/public/%2e%2e/admin").action == access::two_factor);
  CHECK(judge(rules, "/public/.%2E//admin/").action == access::two_factor);
  CHECK(judge(rules, "/%61dmin").action == access::two_factor);  // %61 is 'a'
  CHECK(judge(rules, "/admin;jsessionid=1").action == access::two_factor);  // Tomcat serves /admin
  CHECK(judge(rules, "/admin;x/users").action == access::two_factor);
  CHECK(judge(rules, "/public?/admin").action == access::bypass);  // the query is not the path
  CHECK(judge(rules, "/admin?/public").action == access::two_factor);
  CHECK(judge(rules, "/administrator").action == access::one_factor);
  CHECK(judge(rules, "/public/x").action == access::bypass);
  CHECK_FALSE(normalize_target("/public/..;/admin").ok());
  CHECK_FALSE(normalize_target("/public;x/../../admin").ok());
}

TEST_CASE("methods are compared exactly") {
  auto r = rule("reads", {}, access::bypass);
  r.methods = {"GET", "HEAD"};
  const std::vector<access_rule> rules = {r};
  CHECK(decide_access(rules, facts("/", "GET")).action == access::bypass);
  CHECK(decide_access(rules, facts("/", "HEAD")).reason == "rule \"reads\" (#1): method HEAD → bypass");
  for (const char* other : {"get", "Get", "POST", "GET ", ""}) {
    CAPTURE(other);
    CHECK(decide_access(rules, facts("/", other)).rule_index == -1);
  }
}

TEST_CASE("sources match IPv4 peers whether or not they arrive IPv4-mapped") {
  auto r = rule("lan", {}, access::bypass);
  r.sources = {*parse_ip_network("10.0.0.0/8")};
  const std::vector<access_rule> rules = {r};
  auto f = facts("/");
  f.source = *parse_ip_address("::ffff:10.1.2.3");
  CHECK(decide_access(rules, f).reason == "rule \"lan\" (#1): source 10.0.0.0/8 → bypass");
  f.source = *parse_ip_address("11.1.2.3");
  CHECK(decide_access(rules, f).action == access::deny);
  f.source = *parse_ip_address("::1");
  CHECK(decide_access(rules, f).action == access::deny);
}

TEST_CASE("a group rule asks for a login before a later deny can shut the user out") {
  auto admins = rule("admins", {"/admin"}, access::two_factor);
  admins.groups = {"admins"};
  const std::vector<access_rule> rules = {admins, rule("no-admin", {"/admin"}, access::deny),
                                          rule("rest", {"/"}, access::one_factor)};

  auto anonymous = facts("/admin/x");
  auto d = decide_access(rules, anonymous);
  CHECK(d.login_to_decide);
  CHECK(d.action == access::two_factor);
  CHECK(d.rule_index == 0);
  CHECK(d.reason.find("rule \"admins\" (#1)") == 0);
  CHECK(d.reason.find("group admins") != std::string::npos);

  auto staff = facts("/admin/x");
  const std::vector<std::string> staff_only{"staff"};
  staff.groups = &staff_only;
  d = decide_access(rules, staff);
  CHECK_FALSE(d.login_to_decide);
  CHECK(d.action == access::deny);
  CHECK(d.rule_index == 1);

  auto admin = facts("/admin/x");
  const std::vector<std::string> staff_and_admins{"staff", "admins"};
  admin.groups = &staff_and_admins;
  d = decide_access(rules, admin);
  CHECK_FALSE(d.login_to_decide);
  CHECK(d.action == access::two_factor);
  CHECK(d.rule_index == 0);

  auto nobody = facts("/admin/x");
  const std::vector<std::string> no_groups{};
  nobody.groups = &no_groups;  // logged in, in no group
  CHECK(decide_access(rules, nobody).action == access::deny);

  // A later rule that lets the request through wins without a login; the group rule decides once logged in.
  CHECK(decide_access(rules, facts("/other")).action == access::one_factor);
}

TEST_CASE("login_to_decide: default deny, deny group rules and bypass group rules") {
  auto only = rule("viewers", {"/"}, access::one_factor);
  only.groups = {"viewers"};
  auto d = decide_access({only}, facts("/"));  // nothing else matches: default deny would follow
  CHECK(d.login_to_decide);
  CHECK(d.action == access::one_factor);

  auto blocked = rule("blocked", {"/"}, access::deny);
  blocked.groups = {"suspended"};
  d = decide_access({blocked, rule("rest", {"/"}, access::deny)}, facts("/"));
  CHECK_FALSE(d.login_to_decide);  // a deny group rule cannot let anyone in after login
  CHECK(d.rule_index == 1);

  auto two = rule("second", {"/"}, access::two_factor);
  two.groups = {"doctors"};
  d = decide_access({blocked, only, two}, facts("/"));
  CHECK(d.login_to_decide);
  CHECK(d.rule_index == 1);  // the first skipped rule that is not deny

  auto open = rule("open-to-group", {"/"}, access::bypass);
  open.groups = {"kiosk"};
  d = decide_access({open}, facts("/"));
  CHECK(d.login_to_decide);
  CHECK(d.action == access::one_factor);  // learning the groups takes a login: never bypass an anonymous user
  auto kiosk = facts("/");
  const std::vector<std::string> kiosk_only{"kiosk"};
  kiosk.groups = &kiosk_only;
  CHECK(decide_access({open}, kiosk).action == access::bypass);
}

TEST_CASE("host patterns: exact, one wildcard label or more, and '*'") {
  CHECK(host_matches("*", "anything.example"));
  CHECK(host_matches("*", ""));
  CHECK(host_matches("*.clinic.local", "a.clinic.local"));
  CHECK(host_matches("*.clinic.local", "a.b.clinic.local"));
  CHECK(host_matches("*.clinic.local", "A.Clinic.LOCAL"));
  CHECK_FALSE(host_matches("*.clinic.local", "clinic.local"));
  CHECK_FALSE(host_matches("*.clinic.local", ".clinic.local"));
  CHECK_FALSE(host_matches("*.clinic.local", "evilclinic.local"));
  CHECK_FALSE(host_matches("*.clinic.local", "a.clinic.local.evil"));
  CHECK(host_matches("ehr.local", "ehr.local"));
  CHECK(host_matches("ehr.local", "EHR.Local"));
  CHECK(host_matches("ehr.local", "ehr.local."));  // the fully qualified spelling is the same host
  CHECK_FALSE(host_matches("ehr.local", "ehr.local.."));
  CHECK_FALSE(host_matches("ehr.local", "xehr.local"));
  CHECK_FALSE(host_matches("ehr.local", "ehr.local.evil"));
  CHECK_FALSE(host_matches("ehr.local", "ehr.localx"));
  CHECK_FALSE(host_matches("ehr.local", ""));

  auto r = rule("ehr", {}, access::bypass);
  r.hosts = {"ehr.local", "*.ehr.local"};
  CHECK(decide_access({r}, facts("/", "GET", "img.ehr.local")).reason == "rule \"ehr\" (#1): host *.ehr.local → bypass");
  CHECK(decide_access({r}, facts("/", "GET", "pacs.local")).action == access::deny);
}

TEST_CASE("path prefixes end at a segment boundary") {
  struct prefix_case {
    const char* path;
    const char* prefix;
    bool matches;
  };
  for (auto [path, prefix, matches] : {
           prefix_case{"/", "/", true},
           prefix_case{"/anything/at/all", "/", true},
           prefix_case{"/admin", "/admin", true},
           prefix_case{"/admin/", "/admin", true},
           prefix_case{"/admin/x", "/admin", true},
           prefix_case{"/administrator", "/admin", false},
           prefix_case{"/admi", "/admin", false},
           prefix_case{"/", "/admin", false},
           prefix_case{"/Admin", "/admin", false},
           prefix_case{"/admin", "/admin/", false},
           prefix_case{"/admin/", "/admin/", true},
           prefix_case{"/admin/x", "/admin/", true},
           prefix_case{"/admin;jsessionid=1", "/admin", true},
           prefix_case{"/admin;x/users", "/admin/users", true},
           prefix_case{"/admin;x", "/admin/", false},
           prefix_case{"/ad;x/min", "/admin", false},
           prefix_case{"/admin%3Bx", "/admin", true},  // an upstream may decode %3B before it strips parameters
           prefix_case{"/admin%3bx/users", "/admin/users", true},
           prefix_case{"/admin%3B", "/admin/", false},
           prefix_case{"/admin%3", "/admin", false},
           prefix_case{"/admin%2Fusers", "/admin", true},  // an upstream may decode %2F into '/'
           prefix_case{"/admin%2fusers", "/admin/users", true},
           prefix_case{"/admin%5Cusers", "/admin/", true},
           prefix_case{"/admin%2", "/admin", false},
           prefix_case{"/admin%25", "/admin", false},
           prefix_case{"/admin", "", false},
           prefix_case{"/admin", "admin", false},
       }) {
    CAPTURE(path);
    CAPTURE(prefix);
    CHECK(path_has_prefix(path, prefix) == matches);
  }
}

TEST_CASE("a Windows upstream's paths compare without regard to case, escapes exactly") {
  CHECK(path_has_prefix("/ADMIN", "/admin", path_case::ignored));
  CHECK(path_has_prefix("/Admin/Users/List.aspx", "/admin/users", path_case::ignored));
  CHECK(path_has_prefix("/admin", "/Admin", path_case::ignored));
  CHECK(path_has_prefix("/ADMIN;x", "/admin", path_case::ignored));
  CHECK_FALSE(path_has_prefix("/ADMINISTRATOR", "/admin", path_case::ignored));  // still a segment boundary
  CHECK_FALSE(path_has_prefix("/ADMIN", "/admin"));                              // exact unless asked
  CHECK_FALSE(path_has_prefix("/%E3%81%82", "/%e3%81%82x", path_case::ignored));

  const std::vector<access_rule> rules = {rule("no-admin", {"/Admin"}, access::deny),
                                          rule("rest", {"/"}, access::bypass)};
  auto f = facts("/ADMIN/settings");
  CHECK(decide_access(rules, f).action == access::bypass);
  f.paths = path_case::ignored;
  const auto d = decide_access(rules, f);
  CHECK(d.action == access::deny);
  CHECK(d.reason == "rule \"no-admin\" (#1): path /Admin → deny");
}

TEST_CASE("access names round-trip and nothing else parses") {
  for (auto a : {access::deny, access::bypass, access::one_factor, access::two_factor}) CHECK(*parse_access(to_string(a)) == a);
  for (const char* bad : {"", "Deny", "two-factor", "2fa", "bypass "}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_access(bad).ok());
  }
}

TEST_CASE("the gateway's decisions without reason text are the same decisions") {
  auto admins = rule("admins", {"/admin"}, access::two_factor);
  admins.groups = {"admins"};
  const std::vector<access_rule> rules = {admins, rule("no-admin", {"/admin"}, access::deny),
                                          rule("rest", {"/"}, access::one_factor)};
  const std::vector<std::string> staff{"staff"};
  for (const auto* path : {"/admin/x", "/other", "/"}) {
    for (const std::vector<std::string>* groups : {static_cast<const std::vector<std::string>*>(nullptr), &staff}) {
      auto f = facts(path);
      f.groups = groups;
      const auto with = decide_access(rules, f);
      const auto without = decide_access(rules, f, reason_text::omitted);
      CHECK(with.action == without.action);
      CHECK(with.rule_index == without.rule_index);
      CHECK(with.login_to_decide == without.login_to_decide);
      CHECK_FALSE(with.reason.empty());
      CHECK(without.reason.empty());
    }
  }
  CHECK(decide_access({}, facts("/"), reason_text::omitted).action == access::deny);
}
