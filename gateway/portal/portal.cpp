#include "gateway/portal/portal.hpp"

#include <boost/beast/http/field.hpp>


namespace sekisho::gateway {
namespace http = boost::beast::http;
namespace {

text_response page(unsigned version, bool keep_alive, std::string content_type, std::string body) {
  text_response r{http::status::ok, version};
  r.set(http::field::content_type, std::move(content_type));
  add_own_page_headers(r);
  r.body() = std::move(body);
  r.keep_alive(keep_alive);
  r.prepare_payload();
  return r;
}

}  // namespace

bool needs_authd_ping(const request_target& target) { return target.path == "/.sekisho/health"; }

text_response serve_portal(const request_target& target, http::verb method, unsigned version, bool keep_alive,
                           bool authd_up) {
  const bool reading = method == http::verb::get || method == http::verb::head;
  if (target.path == "/.sekisho/health" && reading) {
    if (!authd_up) {
      auto r = error_page(503, version, keep_alive);
      r.set(http::field::content_type, "text/plain; charset=utf-8");
      r.body() = "authd unreachable\n";
      r.prepare_payload();
      return r;
    }
    return page(version, keep_alive, "text/plain; charset=utf-8", "ok\n");
  }
  if (target.path == "/.sekisho/login" && reading) {
    return page(version, keep_alive, "text/html; charset=utf-8",
                "<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>ログイン</title>"
                "<meta name=\"viewport\" content=\"width=device-width\"></head>"
                "<body style=\"font-family:sans-serif;max-width:40em;margin:3em auto;padding:0 1em\">"
                "<h1>ログイン / Log in</h1><p>このページを開くにはログインが必要です。ログイン画面は準備中です。</p>"
                "<p lang=\"en\">You need to log in to open this page. The login page is being built.</p>"
                "</body></html>\n");
  }
  return error_page(404, version, keep_alive);
}

}  // namespace sekisho::gateway
