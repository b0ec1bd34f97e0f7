// The reserved prefix /.sekisho/ on every host: the login pages (password, then the second factor),
// logout, health and metrics. Every decision is authd's; the portal only shows forms and carries answers.
#pragma once
#include <string>
#include <string_view>

#include "gateway/http/head_fields.hpp"
#include <boost/beast/http/verb.hpp>

#include "core/config/gateway_config.hpp"
#include "core/policy/target.hpp"
#include "core/util/secret.hpp"
#include "gateway/http/error_pages.hpp"
#include "gateway/net/asio.hpp"
#include "gateway/session/authd_channel.hpp"
#include "gateway/session/session_cache.hpp"

namespace sekisho::gateway {

struct shared_services;

struct portal_request {
  const request_target& target;
  boost::beast::http::verb method;
  unsigned version = 11;
  bool keep_alive = false;
  const head_fields& headers;
  std::string_view host;    // as the client sent it: the origin its forms must come from
  std::string source;       // the client's address, for authd's throttling and audit
  secret body;              // a POST's form body (at most max_form_bytes), wiped when done: it may hold a password
  bool break_glass_offered = false;  // [break_glass] enabled: the login page links to emergency access
  long break_glass_minutes = 60;      // break_glass.session_lifetime, for the page to say
  bool passkey_login_offered = false;  // webauthn.passkey_login: the login page offers a passkey alone
  const http_url* break_glass_webhook = nullptr;  // break_glass.webhook_url, when set
  bool from_loopback = false;                      // `source` is on this box: may read /.sekisho/metrics
  const session_identity* who = nullptr;           // the session the request carries, if any
  const shared_services* workers = nullptr;        // every worker's counters, for /.sekisho/metrics
};

// Whether the request carries a body the portal reads (a form POST).
bool portal_reads_body(boost::beast::http::verb method);

awaitable<text_response> serve_portal(portal_request r, authd_channel& authd, session_cache& sessions);

}  // namespace sekisho::gateway
