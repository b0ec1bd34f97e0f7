#include "gateway/http/html_banner.hpp"

#include <cstdio>

#include "gateway/http/header_names.hpp"

namespace sekisho::gateway {
namespace http = boost::beast::http;
namespace {

constexpr std::string_view body_open = "<body";

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool separator(char c) { return c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// Non-ASCII as character references: the banner is then the same bytes in every charset.
std::string ascii_html(std::string_view utf8) {
  std::string out;
  for (std::size_t i = 0; i < utf8.size();) {
    const auto lead = static_cast<unsigned char>(utf8[i]);
    if (lead < 0x80) {
      out += static_cast<char>(lead);
      ++i;
      continue;
    }
    const std::size_t len = lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    char32_t cp = len == 2 ? (lead & 0x1Fu) : len == 3 ? (lead & 0x0Fu) : (lead & 0x07u);
    for (std::size_t k = 1; k < len && i + k < utf8.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3Fu);
    char ref[16];
    std::snprintf(ref, sizeof ref, "&#x%X;", static_cast<unsigned>(cp));
    out += ref;
    i += len;
  }
  return out;
}

}  // namespace

std::optional<std::size_t> body_tag_finder::feed(std::string_view piece) {
  if (found_) return std::nullopt;
  for (std::size_t i = 0; i < piece.size(); ++i) {
    const char c = lower(piece[i]);
    if (in_tag_) {
      if (c != '>') continue;
      found_ = true;
      return i + 1;
    }
    if (matched_ == body_open.size()) {
      matched_ = 0;
      if (separator(c)) {
        if (c == '>') {
          found_ = true;
          return i + 1;
        }
        in_tag_ = true;
        continue;
      }
    }
    matched_ = c == body_open[matched_] ? matched_ + 1 : (c == '<' ? 1 : 0);
  }
  return std::nullopt;
}

bool banner_fits(const head_fields& response) {
  const auto type = response[http::field::content_type];
  const auto encoding = response[http::field::content_encoding];
  return type.size() >= 9 && same_header(type.substr(0, 9), "text/html") &&
         (encoding.empty() || same_header(encoding, "identity"));
}

const std::string& break_glass_banner() {
  static const std::string banner = ascii_html(
      "<div role=\"alert\" style=\"position:sticky;top:0;z-index:2147483647;background:#b00020;color:#fff;"
      "font:bold 16px sans-serif;padding:8px 12px;text-align:center\" id=\"sekisho-break-glass\">"
      "緊急アクセス中です。すべての操作が記録され、管理者が確認します。 / Emergency access: everything you do is "
      "recorded and reviewed. <a href=\"/.sekisho/logout\" style=\"color:#fff\">終了 / End</a></div>");
  return banner;
}

}  // namespace sekisho::gateway
