#include "gateway/http/error_pages.hpp"

#include <boost/beast/http/field.hpp>

namespace sekisho::gateway {
namespace http = boost::beast::http;
namespace {

struct wording {
  unsigned status;
  const char* japanese;
  const char* english;
};

// What the person at the screen can do about it, in plain words.
constexpr wording wordings[] = {
    {400, "要求の形式が正しくありません。アドレスを確認してください。", "The request was malformed. Check the address."},
    {403, "このページを開く権限がありません。必要な場合はシステム担当者に連絡してください。",
     "You are not allowed to open this page. Ask your system administrator if you need it."},
    {404, "ページが見つかりません。アドレスを確認してください。", "Page not found. Check the address."},
    {405, "このページではその操作はできません。", "This page does not accept that kind of request."},
    {408, "要求の送信に時間がかかりすぎました。もう一度お試しください。", "The request took too long to arrive. Try again."},
    {413, "送信されたデータが大きすぎます。", "The data sent is too large."},
    {431, "要求ヘッダーが大きすぎます。ブラウザーの Cookie を削除してからお試しください。",
     "The request headers are too large. Clear the browser's cookies and try again."},
    {501, "この種類の要求には対応していません。", "This kind of request is not supported."},
    {502, "接続先のシステムが応答しません。しばらくしてから再度お試しください。続く場合はシステム担当者に連絡してください。",
     "The system behind this gateway is not answering. Try again shortly; if it persists, call your system administrator."},
    {503, "ただいま利用できません。しばらくしてから再度お試しください。", "Temporarily unavailable. Try again shortly."},
    {504, "接続先のシステムの応答に時間がかかりすぎています。しばらくしてから再度お試しください。",
     "The system behind this gateway took too long to answer. Try again shortly."},
};

const wording& wording_for(unsigned status) {
  for (const auto& w : wordings)
    if (w.status == status) return w;
  return status >= 500 ? wordings[10] : wordings[0];
}

}  // namespace

void add_own_page_headers(text_response& r) {
  r.set(http::field::cache_control, "no-store");
  r.set(http::field::x_frame_options, "DENY");
  r.set("X-Content-Type-Options", "nosniff");
  // same-origin, not no-referrer: under no-referrer a browser sends `Origin: null` with the portal's own
  // form posts, and the CSRF check (which wants this origin) would refuse every login. Other sites still
  // get nothing.
  r.set("Referrer-Policy", "same-origin");
  r.set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
}

text_response error_page(unsigned status, unsigned version, bool keep_alive) {
  const auto& w = wording_for(status);
  text_response r{static_cast<http::status>(status), version};
  r.set(http::field::content_type, "text/html; charset=utf-8");
  add_own_page_headers(r);
  const std::string code = std::to_string(status);
  r.body() = "<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>" + code +
             "</title><meta name=\"viewport\" content=\"width=device-width\"></head>"
             "<body style=\"font-family:sans-serif;max-width:40em;margin:3em auto;padding:0 1em\"><h1>" +
             code + "</h1><p>" + w.japanese + "</p><p lang=\"en\">" + w.english + "</p></body></html>\n";
  r.keep_alive(keep_alive);
  r.prepare_payload();
  return r;
}

text_response redirect_to(const std::string& location, unsigned status, unsigned version, bool keep_alive) {
  text_response r{static_cast<http::status>(status), version};
  r.set(http::field::location, location);
  add_own_page_headers(r);
  r.keep_alive(keep_alive);
  r.prepare_payload();
  return r;
}

}  // namespace sekisho::gateway
