// /.sekisho/metrics as Prometheus reads it (text format 0.0.4): every family has HELP and TYPE before its samples,
// names are valid, label values escaped, histograms cumulative up to +Inf with _sum and _count; workers' counters
// add up; who may read the page; and /.sekisho/health's verdict on authd's answer.
#include "gateway/portal/metrics_page.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "gateway/http/access_record.hpp"
#include "gateway/portal/status_pages.hpp"

using namespace sekisho;
using namespace sekisho::gateway;
using nlohmann::json;

namespace {

struct sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct exposition {
  std::map<std::string, std::string> types;  // family → type
  std::vector<sample> samples;
};

// A strict reader of the text format: fails the test on anything Prometheus would refuse.
exposition parse(const std::string& text) {
  static const std::regex name_re("[a-zA-Z_:][a-zA-Z0-9_:]*");
  exposition out;
  std::istringstream in(text);
  std::string line;
  REQUIRE(!text.empty());
  REQUIRE(text.back() == '\n');
  while (std::getline(in, line)) {
    REQUIRE(!line.empty());
    if (line.starts_with("# HELP ")) continue;
    if (line.starts_with("# TYPE ")) {
      std::istringstream t(line.substr(7));
      std::string family, type;
      t >> family >> type;
      REQUIRE(std::regex_match(family, name_re));
      REQUIRE(out.types.count(family) == 0);  // one TYPE per family
      out.types[family] = type;
      continue;
    }
    REQUIRE(line[0] != '#');
    sample s;
    std::size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
    s.name = line.substr(0, i);
    REQUIRE(std::regex_match(s.name, name_re));
    if (line[i] == '{') {
      ++i;
      while (line[i] != '}') {
        const auto eq = line.find('=', i);
        REQUIRE(eq != std::string::npos);
        const auto key = line.substr(i, eq - i);
        REQUIRE(std::regex_match(key, std::regex("[a-zA-Z_][a-zA-Z0-9_]*")));
        REQUIRE(line[eq + 1] == '"');
        std::string value;
        std::size_t j = eq + 2;
        for (; line[j] != '"'; ++j) {
          REQUIRE(j < line.size());
          if (line[j] == '\\') {
            ++j;
            REQUIRE((line[j] == '\\' || line[j] == '"' || line[j] == 'n'));
            value += line[j] == 'n' ? '\n' : line[j];
          } else {
            value += line[j];
          }
        }
        s.labels[key] = value;
        i = j + 1;
        if (line[i] == ',') ++i;
      }
      ++i;
    }
    REQUIRE(line[i] == ' ');
    const auto v = line.substr(i + 1);
    s.value = v == "+Inf" ? INFINITY : std::stod(v);
    // The sample belongs to a family declared before it.
    std::string family = s.name;
    for (const char* suffix : {"_bucket", "_sum", "_count"})
      if (!out.types.count(family) && family.ends_with(suffix)) family = family.substr(0, family.size() - std::strlen(suffix));
    REQUIRE_MESSAGE(out.types.count(family) == 1, "no TYPE before " << s.name);
    out.samples.push_back(std::move(s));
  }
  return out;
}

std::vector<sample> find(const exposition& e, const std::string& name, const std::map<std::string, std::string>& with = {}) {
  std::vector<sample> out;
  for (const auto& s : e.samples) {
    if (s.name != name) continue;
    bool match = true;
    for (const auto& [k, v] : with) match = match && s.labels.count(k) && s.labels.at(k) == v;
    if (match) out.push_back(s);
  }
  return out;
}

const json authd_reply = {
    {"ok", true},
    {"logins",
     {{{"channel", "web"}, {"method", "totp"}, {"result", "success"}, {"count", 3}},
      {{"channel", "ssh"}, {"method", "password"}, {"result", "failure"}, {"count", 1}}}},
    {"throttled", {{{"channel", "web"}, {"count", 2}}}},
    {"sessions", {{"web", 4}, {"break_glass", 1}}}};

}  // namespace

TEST_CASE("render_metrics: valid exposition, labels escaped, histograms cumulative with +Inf, _sum and _count") {
  gateway_metrics g;
  const std::string odd = "ehr \"main\"\\\nwing";
  g.record_request(odd, 200, 0.003);
  g.record_request(odd, 200, 0.2);
  g.record_request(odd, 502, 30);
  g.record_request(no_upstream, 403, 0.001);
  g.record_authd_call("session.check", 0.0004, true);
  g.record_authd_call("session.check", 2.5, false);
  g.access_log = {7, true};

  const auto text = render_metrics(g, &authd_reply);
  CHECK(text.find("ehr \\\"main\\\"\\\\\\nwing") != std::string::npos);  // escaped as the format says
  const auto e = parse(text);
  CHECK(e.types.at("sekisho_gateway_requests_total") == "counter");
  CHECK(e.types.at("sekisho_gateway_request_duration_seconds") == "histogram");
  CHECK(e.types.at("sekisho_authd_call_duration_seconds") == "histogram");
  CHECK(e.types.at("sekisho_logins_total") == "counter");
  CHECK(e.types.at("sekisho_web_sessions_active") == "gauge");

  auto ok = find(e, "sekisho_gateway_requests_total", {{"upstream", odd}, {"code", "200"}});
  REQUIRE(ok.size() == 1);
  CHECK(ok[0].value == 2);
  CHECK(ok[0].labels.at("class") == "2xx");
  CHECK(find(e, "sekisho_gateway_requests_total", {{"upstream", "-"}, {"code", "403"}, {"class", "4xx"}})[0].value == 1);

  const auto buckets = find(e, "sekisho_gateway_request_duration_seconds_bucket", {{"upstream", odd}});
  REQUIRE(buckets.size() == latency_buckets.size() + 1);
  double previous = 0;
  for (const auto& b : buckets) {
    CHECK(b.value >= previous);  // cumulative
    previous = b.value;
  }
  CHECK(buckets.front().labels.at("le") == "0.005");
  CHECK(buckets.front().value == 1);
  CHECK(find(e, "sekisho_gateway_request_duration_seconds_bucket", {{"upstream", odd}, {"le", "0.25"}})[0].value == 2);
  CHECK(buckets.back().labels.at("le") == "+Inf");
  CHECK(buckets.back().value == 3);
  CHECK(find(e, "sekisho_gateway_request_duration_seconds_count", {{"upstream", odd}})[0].value == 3);
  CHECK(find(e, "sekisho_gateway_request_duration_seconds_sum", {{"upstream", odd}})[0].value ==
        doctest::Approx(30.203));

  CHECK(find(e, "sekisho_authd_call_duration_seconds_count", {{"op", "session.check"}})[0].value == 2);
  CHECK(find(e, "sekisho_authd_call_duration_seconds_bucket", {{"op", "session.check"}, {"le", "2.5"}})[0].value == 2);
  CHECK(find(e, "sekisho_authd_call_errors_total", {{"op", "session.check"}})[0].value == 1);
  CHECK(e.types.at("sekisho_gateway_access_log_failing") == "gauge");
  CHECK(find(e, "sekisho_gateway_access_log_failing")[0].value == 1);
  CHECK(e.types.at("sekisho_gateway_access_log_lines_lost_total") == "counter");
  CHECK(find(e, "sekisho_gateway_access_log_lines_lost_total")[0].value == 7);

  CHECK(find(e, "sekisho_authd_up")[0].value == 1);
  CHECK(find(e, "sekisho_logins_total", {{"channel", "web"}, {"method", "totp"}, {"result", "success"}})[0].value == 3);
  CHECK(find(e, "sekisho_logins_total", {{"channel", "ssh"}, {"method", "password"}, {"result", "failure"}})[0].value == 1);
  CHECK(find(e, "sekisho_login_throttled_total", {{"channel", "web"}})[0].value == 2);
  CHECK(find(e, "sekisho_web_sessions_active")[0].value == 4);
  CHECK(find(e, "sekisho_break_glass_sessions_active")[0].value == 1);
}

TEST_CASE("render_metrics: without authd's answer the gateway's own series remain and authd_up is 0") {
  gateway_metrics g;
  g.record_request("ehr", 200, 0.01);
  const auto e = parse(render_metrics(g, nullptr));
  CHECK(find(e, "sekisho_authd_up")[0].value == 0);
  CHECK(find(e, "sekisho_logins_total").empty());
  CHECK(e.types.count("sekisho_logins_total") == 0);
  CHECK(find(e, "sekisho_gateway_requests_total", {{"upstream", "ehr"}})[0].value == 1);
  // A malformed reply renders what it can, as zeros, and stays valid.
  const json broken = {{"ok", true}, {"logins", {{{"channel", 5}, {"count", "many"}}, "x"}}, {"sessions", 3}};
  const auto b = parse(render_metrics(g, &broken));
  CHECK(find(b, "sekisho_logins_total", {{"channel", "unknown"}})[0].value == 0);
  CHECK(find(b, "sekisho_web_sessions_active")[0].value == 0);
}

TEST_CASE("gateway_metrics: workers' counters add up; an access record counts its upstream or '-'") {
  gateway_metrics a, b;
  access_record r;
  r.upstream = "ehr";
  r.status = 200;
  r.total_ms = 12;
  a.record_request(r);
  b.record_request(r);
  r.upstream.clear();
  r.status = 404;
  b.record_request(r);
  b.record_authd_call("ping", 0.001, true);
  a += b;
  CHECK(a.requests().at("ehr").by_status.at(200) == 2);
  CHECK(a.requests().at("ehr").seconds.count == 2);
  CHECK(a.requests().at("ehr").seconds.sum == doctest::Approx(0.024));
  CHECK(a.requests().at("-").by_status.at(404) == 1);
  CHECK(a.authd_calls().at("ping").seconds.count == 1);
  // A value on a bucket's bound falls in that bucket (le: less than or equal).
  histogram h;
  h.observe(0.005);
  h.observe(11);
  CHECK(h.counts[0] == 1);
  CHECK(h.counts.back() == 1);
}

TEST_CASE("may_read_metrics: loopback, or a two-factor session of an admin; nobody else") {
  session_identity admin;
  admin.user = "it";
  admin.groups = {"staff", "admins"};
  admin.factors = 2;
  auto nurse = admin;
  nurse.user = "nurse";
  nurse.groups = {"staff"};
  CHECK(may_read_metrics(true, nullptr));
  CHECK(may_read_metrics(true, &nurse));
  CHECK(may_read_metrics(false, &admin));
  CHECK_FALSE(may_read_metrics(false, nullptr));
  CHECK_FALSE(may_read_metrics(false, &nurse));
  auto emergency = admin;
  emergency.break_glass = true;
  CHECK_FALSE(may_read_metrics(false, &emergency));
  auto temporary = admin;
  temporary.must_change_password = true;
  CHECK_FALSE(may_read_metrics(false, &temporary));
  auto one_factor = admin;
  one_factor.factors = 1;
  CHECK_FALSE(may_read_metrics(false, &one_factor));
}

TEST_CASE("is_loopback_address: 127.0.0.0/8 and ::1 (also IPv4-mapped), nothing else") {
  for (const char* a : {"127.0.0.1", "127.200.0.9", "::1", "::ffff:127.0.0.1"})
    CHECK_MESSAGE(is_loopback_address(*parse_ip_address(a)), a);
  for (const char* a : {"10.0.0.1", "192.168.1.10", "::2", "fe80::1", "::ffff:10.0.0.1", "128.0.0.1"})
    CHECK_MESSAGE(!is_loopback_address(*parse_ip_address(a)), a);
}

TEST_CASE("judge_health: ok only when authd answers, both checks pass and the access log is written") {
  using R = result<json>;
  const auto good = json{{"ok", true}, {"database_writable", true}, {"clock_synchronised", true}};
  auto v = judge_health(R(good), false);
  CHECK(v.status == 200);
  CHECK(v.body == "ok\n");
  v = judge_health(R(make_error("cannot reach authd")), false);
  CHECK(v.status == 503);
  CHECK(v.body == "authd unreachable\n");
  v = judge_health(R(json{{"ok", true}, {"database_writable", false}, {"clock_synchronised", false}}), false);
  CHECK(v.status == 503);
  CHECK(v.body == "database not writable\nclock not synchronised\n");
  v = judge_health(R(json{{"ok", true}, {"database_writable", true}, {"clock_synchronised", false}}), false);
  CHECK(v.body == "clock not synchronised\n");
  v = judge_health(R(json{{"ok", false}, {"error", "unavailable"}}), false);
  CHECK(v.body == "database not writable\n");
  v = judge_health(R(json{{"ok", false}, {"error", "unknown_request"}}), false);  // an authd older than this gateway
  CHECK(v.body == "authd unreachable\n");
  // A gateway whose access log cannot be written is not healthy, whatever authd says: the guideline's
  // record of who opened what is not being kept.
  v = judge_health(R(good), true);
  CHECK(v.status == 503);
  CHECK(v.body == "access log not writable\n");
  v = judge_health(R(make_error("cannot reach authd")), true);
  CHECK(v.body == "authd unreachable\naccess log not writable\n");
}
