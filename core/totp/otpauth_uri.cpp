#include "core/totp/otpauth_uri.hpp"

#include <cstdint>
#include <map>
#include <optional>

#include "core/util/encoding.hpp"

namespace sekisho::totp {
namespace {

constexpr std::string_view scheme = "otpauth://";

// Names are shown to people: valid UTF-8 without control characters only.
bool printable_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7F) return false;
      ++i;
      continue;
    }
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) { n = 1; cp = c & 0x1Fu; }
    else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0Fu; }
    else if ((c & 0xF8) == 0xF0) { n = 3; cp = c & 0x07u; }
    else return false;
    if (i + n >= s.size()) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3Fu);
    }
    const std::uint32_t min_for_length[] = {0, 0x80, 0x800, 0x10000};
    if (cp < min_for_length[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || (cp >= 0x80 && cp < 0xA0))
      return false;
    i += n + 1;
  }
  return true;
}

// A small decimal in [lo, hi], written without sign or leading zeros.
std::optional<int> parse_small_int(std::string_view s, int lo, int hi) {
  if (s.empty() || s.size() > 3 || s[0] == '0') return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v < lo || v > hi) return std::nullopt;
  return v;
}

std::optional<totp_algorithm> parse_algorithm(std::string_view s) {
  if (s == "SHA1") return totp_algorithm::sha1;
  if (s == "SHA256") return totp_algorithm::sha256;
  if (s == "SHA512") return totp_algorithm::sha512;
  return std::nullopt;
}

error bad(std::string_view why) { return make_error("otpauth URI: " + std::string(why)); }

result<std::map<std::string, std::string>> parse_query(std::string_view query) {
  std::map<std::string, std::string> params;
  while (true) {
    const auto amp = query.find('&');
    const auto item = query.substr(0, amp);
    const auto eq = item.find('=');
    if (eq == std::string_view::npos) return bad("a parameter has no value");
    auto key = percent_decode(item.substr(0, eq));
    auto value = percent_decode(item.substr(eq + 1));
    if (!key || !value) return bad("bad percent-encoding in the parameters");
    if (!params.emplace(std::move(*key), std::move(*value)).second) return bad("a parameter is repeated");
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return params;
}

// LABEL = issuer ":" account, or account alone; spaces after the colon are allowed.
result<void> parse_label(std::string_view encoded, otpauth& out) {
  auto label = percent_decode(encoded);
  if (!label) return bad("bad percent-encoding in the label");
  std::string_view rest = *label;
  const auto colon = rest.find(':');
  if (colon != std::string_view::npos) {
    out.issuer = rest.substr(0, colon);
    rest.remove_prefix(colon + 1);
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    if (out.issuer.empty()) return bad("the label has an empty issuer");
  }
  if (rest.find(':') != std::string_view::npos) return bad("the label has more than one colon");
  if (rest.empty()) return bad("the label has no account name");
  out.account = rest;
  if (!printable_utf8(out.issuer) || !printable_utf8(out.account)) return bad("the label is not printable UTF-8");
  return {};
}

result<void> apply_params(const std::map<std::string, std::string>& params, otpauth& out) {
  const auto s = params.find("secret");
  if (s == params.end() || s->second.empty()) return bad("the secret is missing");
  if (s->second.find_first_of(" =") != std::string::npos) return bad("the secret must be unpadded base32");
  auto bytes = base32_decode(s->second);
  if (!bytes || bytes->empty()) return bad("the secret is not valid base32");
  out.secret = std::move(*bytes);

  if (auto i = params.find("issuer"); i != params.end()) {
    if (i->second.empty() || !printable_utf8(i->second) || i->second.find(':') != std::string::npos)
      return bad("the issuer parameter is empty, has a colon or is not printable UTF-8");
    if (!out.issuer.empty() && out.issuer != i->second)
      return bad("the label's issuer differs from the issuer parameter");
    out.issuer = i->second;
  }
  if (auto a = params.find("algorithm"); a != params.end()) {
    auto alg = parse_algorithm(a->second);
    if (!alg) return bad("the algorithm must be SHA1, SHA256 or SHA512");
    out.params.algorithm = *alg;
  }
  if (auto d = params.find("digits"); d != params.end()) {
    auto v = parse_small_int(d->second, 6, 8);
    if (!v) return bad("digits must be 6, 7 or 8");
    out.params.digits = *v;
  }
  if (auto p = params.find("period"); p != params.end()) {
    auto v = parse_small_int(p->second, 15, 120);
    if (!v) return bad("the period must be 15 to 120 seconds");
    out.params.period_seconds = *v;
  }
  return {};
}

bool starts_with_ignoring_case(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

}  // namespace

std::string make_otpauth_uri(std::string_view issuer, std::string_view account, std::string_view secret_bytes,
                             const totp_params& p) {
  std::string uri(scheme);
  uri += "totp/";
  if (!issuer.empty()) uri += percent_encode(issuer) + ":";
  uri += percent_encode(account);
  uri += "?secret=" + base32_encode(secret_bytes);
  if (!issuer.empty()) uri += "&issuer=" + percent_encode(issuer);
  uri += "&algorithm=" + std::string(to_string(p.algorithm));
  uri += "&digits=" + std::to_string(p.digits);
  uri += "&period=" + std::to_string(p.period_seconds);
  return uri;
}

result<otpauth> parse_otpauth_uri(std::string_view uri) {
  // The scheme is case-insensitive (RFC 3986 §3.1); the rest is compared exactly.
  if (!starts_with_ignoring_case(uri, scheme)) return bad("it does not start with otpauth://");
  uri.remove_prefix(scheme.size());
  if (uri.find('#') != std::string_view::npos) return bad("a fragment is not allowed");
  const auto slash = uri.find('/');
  if (slash == std::string_view::npos) return bad("the label is missing");
  if (uri.substr(0, slash) != "totp") return bad("only the totp type is supported");
  uri.remove_prefix(slash + 1);
  const auto question = uri.find('?');
  if (question == std::string_view::npos) return bad("the parameters are missing");

  otpauth out;
  if (auto r = parse_label(uri.substr(0, question), out); !r) return r.err();
  auto params = parse_query(uri.substr(question + 1));
  if (!params) return params.err();
  if (auto r = apply_params(*params, out); !r) return r.err();
  return out;
}

}  // namespace sekisho::totp
