#include "gateway/http/session_cookie.hpp"

#include <vector>

#include <boost/beast/core/string.hpp>

#include "core/session/session_id.hpp"
#include "gateway/http/header_names.hpp"

namespace sekisho::gateway {
namespace http = boost::beast::http;
namespace {

// Calls f(name, value) for each "a=b" of a Cookie header: RFC 6265 §5.4 separators, whitespace trimmed.
// (A visitor, not a list: every request with a session cookie goes through here.)
template <class F>
void for_each_cookie(std::string_view header, F f) {
  while (!header.empty()) {
    const auto semi = header.find(';');
    auto item = trim_whitespace(header.substr(0, semi));
    header.remove_prefix(semi == std::string_view::npos ? header.size() : semi + 1);
    const auto eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    f(trim_whitespace(item.substr(0, eq)), trim_whitespace(item.substr(eq + 1)));
  }
}

// Whether a Set-Cookie value names one of the gateway's cookies: the name is what comes before '=', or the
// whole pair when there is none (a browser takes that for a nameless cookie's value, and sends it bare).
bool sets_gateway_cookie(std::string_view set_cookie) {
  const auto pair = set_cookie.substr(0, set_cookie.find(';'));
  const auto name = trim_whitespace(pair.substr(0, pair.find('=')));
  return name.size() >= session_cookie_name.size() &&
         boost::beast::iequals(name.substr(0, session_cookie_name.size()), session_cookie_name);
}

}  // namespace

std::optional<std::string_view> single_cookie(const head_fields& h, std::string_view name) {
  std::optional<std::string_view> found;
  bool differing = false;
  for (const auto& field : h) {
    if (field.name() != http::field::cookie) continue;
    for_each_cookie(field.value(), [&](std::string_view n, std::string_view v) {
      if (n != name) return;
      differing = differing || (found && *found != v);
      found = v;
    });
  }
  if (!found || differing) return std::nullopt;
  return found;
}

std::optional<std::string_view> session_cookie(const head_fields& h) {
  auto id = single_cookie(h, session_cookie_name);
  if (!id || !session::well_formed_session_id(*id)) return std::nullopt;
  return id;
}

void strip_session_cookie(head_fields& h) {
  std::vector<std::string> kept_headers;
  // Iterates every field: Beast 1.74's equal_range does not reliably cover repeated fields.
  for (const auto& field : h) {
    if (field.name() != http::field::cookie) continue;
    std::string kept;
    for_each_cookie(field.value(), [&kept](std::string_view name, std::string_view value) {
      if (name.starts_with(session_cookie_name)) return;  // the portal's other cookies too
      if (!kept.empty()) kept += "; ";
      kept.append(name).append("=").append(value);
    });
    if (!kept.empty()) kept_headers.push_back(std::move(kept));
  }
  h.erase(http::field::cookie);
  for (auto& v : kept_headers) h.insert(http::field::cookie, v);
}

std::size_t drop_gateway_set_cookies(head_fields& h) {
  std::size_t dropped = 0;
  for (auto f = h.begin(); f != h.end();) {
    if (f->name() == http::field::set_cookie && sets_gateway_cookie(f->value())) {
      f = h.erase(f);
      ++dropped;
    } else {
      ++f;
    }
  }
  return dropped;
}

}  // namespace sekisho::gateway
