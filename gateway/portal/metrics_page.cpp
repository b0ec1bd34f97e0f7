#include "gateway/portal/metrics_page.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <initializer_list>
#include <utility>

#include "core/policy/network.hpp"

namespace sekisho::gateway {
namespace {

using nlohmann::json;
using label_list = std::initializer_list<std::pair<std::string_view, std::string_view>>;

// Shortest text that reads back as the same double; Prometheus spells infinity +Inf.
std::string number(double v) {
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::string("NaN");
}

class page {
 public:
  void family(std::string_view name, std::string_view type, std::string_view help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += help;  // our own constant text: no backslash or line feed to escape
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }

  void sample(std::string_view name, label_list labels, std::string_view value) {
    out_ += name;
    if (labels.size() != 0) {
      out_ += '{';
      bool first = true;
      for (const auto& [key, v] : labels) {
        if (!first) out_ += ',';
        first = false;
        out_ += key;
        out_ += "=\"";
        out_ += escape_label_value(v);
        out_ += '"';
      }
      out_ += '}';
    }
    out_ += ' ';
    out_ += value;
    out_ += '\n';
  }

  // _bucket (cumulative, ending with +Inf), _sum and _count of one histogram series labelled key="value".
  void histogram_series(std::string_view name, std::string_view key, std::string_view value, const histogram& h) {
    const std::string n(name);
    std::uint64_t running = 0;
    for (std::size_t i = 0; i < h.counts.size(); ++i) {
      running += h.counts[i];
      const auto le = i < latency_buckets.size() ? number(latency_buckets[i]) : std::string("+Inf");
      sample(n + "_bucket", {{key, value}, {"le", le}}, std::to_string(running));
    }
    sample(n + "_sum", {{key, value}}, number(h.sum));
    sample(n + "_count", {{key, value}}, std::to_string(h.count));
  }

  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

std::string status_class(unsigned code) {
  return code >= 100 && code <= 599 ? std::to_string(code / 100) + "xx" : std::string("other");
}

void render_gateway(page& p, const gateway_metrics& g) {
  p.family("sekisho_gateway_requests_total", "counter",
           "Requests the gateway answered, by upstream (\"-\" for its own answers: portal, denials, bad requests) "
           "and HTTP status.");
  for (const auto& [upstream, counts] : g.requests())
    for (const auto& [code, n] : counts.by_status)
      p.sample("sekisho_gateway_requests_total",
               {{"upstream", upstream}, {"code", std::to_string(code)}, {"class", status_class(code)}},
               std::to_string(n));
  p.family("sekisho_gateway_request_duration_seconds", "histogram",
           "Time from a request's head to the end of its response, by upstream.");
  for (const auto& [upstream, counts] : g.requests())
    p.histogram_series("sekisho_gateway_request_duration_seconds", "upstream", upstream, counts.seconds);
  p.family("sekisho_authd_call_duration_seconds", "histogram", "The gateway's calls to authd, by request op.");
  for (const auto& [op, counts] : g.authd_calls())
    p.histogram_series("sekisho_authd_call_duration_seconds", "op", op, counts.seconds);
  p.family("sekisho_authd_call_errors_total", "counter",
           "Calls to authd that got no reply (authd down, timed out, or a broken frame), by request op.");
  for (const auto& [op, counts] : g.authd_calls())
    p.sample("sekisho_authd_call_errors_total", {{"op", op}}, std::to_string(counts.errors));
  p.family("sekisho_gateway_access_log_failing", "gauge",
           "1 while the access log cannot be written (its lines wait in memory and are tried again), else 0.");
  p.sample("sekisho_gateway_access_log_failing", {}, g.access_log.failing ? "1" : "0");
  p.family("sekisho_gateway_access_log_lines_lost_total", "counter",
           "Access-log lines lost since the gateway started: the disk refused them, or fell behind, for longer than "
           "memory could hold them.");
  p.sample("sekisho_gateway_access_log_lines_lost_total", {}, std::to_string(g.access_log.lines_lost));
}

// A count from authd's reply: a non-negative integer, else 0.
std::uint64_t count_of(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return 0;
  return it->is_number_unsigned() ? it->get<std::uint64_t>() : static_cast<std::uint64_t>(std::max<std::int64_t>(0, it->get<std::int64_t>()));
}

std::string text_of(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string("unknown");
}

const json& array_of(const json& j, const char* key) {
  static const json empty = json::array();
  const auto it = j.find(key);
  return it != j.end() && it->is_array() ? *it : empty;
}

void render_authd(page& p, const json& a) {
  p.family("sekisho_logins_total", "counter",
           "Login outcomes since authd started, by channel, method and result (as in the audit trail; a passed "
           "password step is counted with its second factor).");
  for (const auto& e : array_of(a, "logins"))
    if (e.is_object())
      p.sample("sekisho_logins_total",
               {{"channel", text_of(e, "channel")}, {"method", text_of(e, "method")}, {"result", text_of(e, "result")}},
               std::to_string(count_of(e, "count")));
  p.family("sekisho_login_throttled_total", "counter",
           "Login attempts refused by the throttle or the lockout since authd started, by channel.");
  for (const auto& e : array_of(a, "throttled"))
    if (e.is_object())
      p.sample("sekisho_login_throttled_total", {{"channel", text_of(e, "channel")}},
               std::to_string(count_of(e, "count")));
  const auto s = a.find("sessions");
  const json sessions = s != a.end() && s->is_object() ? *s : json::object();
  p.family("sekisho_web_sessions_active", "gauge", "Live web sessions, break-glass ones included.");
  p.sample("sekisho_web_sessions_active", {}, std::to_string(count_of(sessions, "web")));
  p.family("sekisho_break_glass_sessions_active", "gauge", "Live emergency (break-glass) web sessions.");
  p.sample("sekisho_break_glass_sessions_active", {}, std::to_string(count_of(sessions, "break_glass")));
}

}  // namespace

bool may_read_metrics(bool from_loopback, const session_identity* who) {
  if (from_loopback) return true;
  if (who == nullptr || who->factors < 2 || who->break_glass || who->must_change_password) return false;
  return std::find(who->groups.begin(), who->groups.end(), metrics_group) != who->groups.end();
}

bool is_loopback_address(const ip_address& a) {
  static const auto v4 = parse_ip_network("127.0.0.0/8");  // IPv4-mapped too (network.hpp)
  static const auto v6 = parse_ip_address("::1");
  return (v4 && v4->contains(a)) || (v6 && a == *v6);
}

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string render_metrics(const gateway_metrics& gateway, const json* authd) {
  page p;
  render_gateway(p, gateway);
  p.family("sekisho_authd_up", "gauge", "1 when authd answered this scrape's metrics request.");
  p.sample("sekisho_authd_up", {}, authd != nullptr ? "1" : "0");
  if (authd != nullptr) render_authd(p, *authd);
  return p.take();
}

}  // namespace sekisho::gateway
