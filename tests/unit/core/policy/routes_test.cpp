#include "core/policy/routes.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace sekisho;

namespace {

upstream_config upstream(std::string name, std::vector<std::string> hosts, std::string prefix) {
  upstream_config u;
  u.name = std::move(name);
  u.hosts = std::move(hosts);
  u.path_prefix = std::move(prefix);
  return u;
}

}  // namespace

TEST_CASE("the longest matching path prefix wins") {
  const std::vector<upstream_config> ups = {upstream("ehr", {}, "/"), upstream("pacs", {}, "/pacs"),
                                            upstream("viewer", {}, "/pacs/viewer")};
  CHECK(select_upstream(ups, "ehr.local", "/pacs/viewer/study/1") == 2);
  CHECK(select_upstream(ups, "ehr.local", "/pacs/viewer") == 2);
  CHECK(select_upstream(ups, "ehr.local", "/pacs/viewers") == 1);  // segment-aware, not a string prefix
  CHECK(select_upstream(ups, "ehr.local", "/pacs/x") == 1);
  CHECK(select_upstream(ups, "ehr.local", "/pacs;jsessionid=1/x") == 1);
  CHECK(select_upstream(ups, "ehr.local", "/pacsx") == 0);
  CHECK(select_upstream(ups, "ehr.local", "/") == 0);
}

TEST_CASE("only upstreams for the request's host are considered") {
  const std::vector<upstream_config> ups = {upstream("ehr", {"ehr.local"}, "/"),
                                            upstream("pacs", {"pacs.local", "*.pacs.local"}, "/")};
  CHECK(select_upstream(ups, "ehr.local", "/x") == 0);
  CHECK(select_upstream(ups, "pacs.local", "/x") == 1);
  CHECK(select_upstream(ups, "node2.pacs.local", "/x") == 1);
  CHECK(select_upstream(ups, "other.local", "/x") == -1);
  CHECK(select_upstream({}, "ehr.local", "/") == -1);
  CHECK(select_upstream({upstream("api", {}, "/api")}, "ehr.local", "/web") == -1);
}

TEST_CASE("ties go to explicit hosts, then to the first listed") {
  const std::vector<upstream_config> any_first = {upstream("any", {}, "/api"), upstream("ehr", {"ehr.local"}, "/api")};
  CHECK(select_upstream(any_first, "ehr.local", "/api/x") == 1);
  CHECK(select_upstream(any_first, "pacs.local", "/api/x") == 0);

  const std::vector<upstream_config> both_explicit = {upstream("a", {"*.local"}, "/api"),
                                                      upstream("b", {"ehr.local"}, "/api")};
  CHECK(select_upstream(both_explicit, "ehr.local", "/api") == 0);
  const std::vector<upstream_config> both_any = {upstream("a", {}, "/"), upstream("b", {}, "/")};
  CHECK(select_upstream(both_any, "ehr.local", "/") == 0);

  // Path length comes before hosts: a longer prefix for any host beats a shorter one for this host.
  const std::vector<upstream_config> longer = {upstream("ehr", {"ehr.local"}, "/"), upstream("static", {}, "/static")};
  CHECK(select_upstream(longer, "ehr.local", "/static/a.css") == 1);
  CHECK(select_upstream(longer, "ehr.local", "/index.html") == 0);
}

TEST_CASE("a Windows upstream owns its path prefix in any case; others compare it exactly") {
  std::vector<upstream_config> ups = {upstream("linux", {}, "/"), upstream("iis", {}, "/Results"),
                                      upstream("pacs", {}, "/pacs")};
  ups[1].windows_paths = true;
  CHECK(select_upstream(ups, "ehr.local", "/results/1") == 1);
  CHECK(select_upstream(ups, "ehr.local", "/RESULTS") == 1);
  CHECK(select_upstream(ups, "ehr.local", "/resultsx") == 0);
  CHECK(select_upstream(ups, "ehr.local", "/PACS/x") == 0);  // a Linux upstream's prefix is exact
  CHECK(select_upstream(ups, "ehr.local", "/pacs/x") == 2);
}
