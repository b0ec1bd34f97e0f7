#include "core/policy/rule_fallthrough.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace sekisho;

namespace {

access_rule rule(std::string name, std::vector<std::string> paths, access action, std::vector<std::string> groups = {}) {
  access_rule r;
  r.name = std::move(name);
  r.path_prefixes = std::move(paths);
  r.action = action;
  r.groups = std::move(groups);
  return r;
}

}  // namespace

TEST_CASE("a group rule that a later catch-all undoes is reported, with the fix") {
  const auto lines = group_rule_fallthroughs({rule("doctors", {"/doctors"}, access::two_factor, {"doctors"}),
                                              rule("everything", {"/"}, access::two_factor)});
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].find("rule 'doctors' admits only its groups") != std::string::npos);
  CHECK(lines[0].find("rule 'everything' (two_factor)") != std::string::npos);
  CHECK(lines[0].find("add a deny rule") != std::string::npos);
}

TEST_CASE("a deny after the group rule, or a later rule that covers less, is not reported") {
  CHECK(group_rule_fallthroughs({rule("doctors", {"/doctors"}, access::two_factor, {"doctors"}),
                                 rule("others out", {"/doctors"}, access::deny),
                                 rule("everything", {"/"}, access::two_factor)})
            .empty());
  CHECK(group_rule_fallthroughs({rule("doctors", {"/doctors"}, access::two_factor, {"doctors"}),
                                 rule("charts", {"/charts"}, access::two_factor)})
            .empty());
  CHECK(group_rule_fallthroughs({rule("doctors", {"/doctors", "/orders"}, access::two_factor, {"doctors"}),
                                 rule("orders", {"/orders"}, access::two_factor)})
            .empty());
  auto other_host = rule("pacs", {"/"}, access::two_factor);
  other_host.hosts = {"pacs.local"};
  auto doctors_on_ehr = rule("doctors", {"/doctors"}, access::two_factor, {"doctors"});
  doctors_on_ehr.hosts = {"ehr.local"};
  CHECK(group_rule_fallthroughs({doctors_on_ehr, other_host}).empty());
  auto from_ward = rule("ward", {"/"}, access::two_factor);
  from_ward.sources = {*parse_ip_network("10.1.0.0/16")};
  CHECK(group_rule_fallthroughs({doctors_on_ehr, from_ward}).empty());  // a later rule for some networks is meant
}

TEST_CASE("hosts and methods are covered the way requests match them") {
  auto doctors = rule("doctors", {"/doctors"}, access::two_factor, {"doctors"});
  doctors.hosts = {"ehr.clinic.local"};
  doctors.methods = {"POST"};
  auto any_clinic_host = rule("clinic", {}, access::one_factor);
  any_clinic_host.hosts = {"*.clinic.local"};
  CHECK(group_rule_fallthroughs({doctors, any_clinic_host}).size() == 1);
  auto reads_only = rule("reads", {"/"}, access::bypass);
  reads_only.methods = {"GET", "HEAD"};
  CHECK(group_rule_fallthroughs({doctors, reads_only}).empty());
  // Another group rule in between does not end the search: people in neither group fall through both, and
  // both are reported.
  const auto both = group_rule_fallthroughs({doctors, rule("nurses", {"/"}, access::two_factor, {"nurses"}),
                                             rule("everything", {"/"}, access::two_factor)});
  REQUIRE(both.size() == 2);
  CHECK(both[0].find("rule 'doctors'") == 0);
  CHECK(both[1].find("rule 'nurses'") == 0);
  // A deny group rule restricts nothing to report.
  CHECK(group_rule_fallthroughs({rule("no interns", {"/doctors"}, access::deny, {"interns"}),
                                 rule("everything", {"/"}, access::two_factor)})
            .empty());
}
