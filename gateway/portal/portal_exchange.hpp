// What every portal route shares: the answer being built (page facts and cookies), the checks on a form
// post, the HTML and redirect responses, and the shape of requests to authd.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/util/result.hpp"
#include "gateway/portal/form.hpp"
#include "gateway/portal/pages.hpp"
#include "gateway/portal/portal.hpp"

namespace sekisho::gateway {

inline constexpr long pending_max_age = 300;  // authd forgets a half-done login after 5 minutes too

struct answer {
  page_facts facts;
  std::vector<std::string> cookies;  // Set-Cookie lines
};

// Language, form token and return path for a page answering `r` (a POST's own rd= field wins).
answer start(const portal_request& r, const form_fields* form);
// A POST is the user's own when it comes from this very origin and echoes the form token.
bool own_form(const portal_request& r, const form_fields& form);

text_response html(const portal_request& r, answer& a, unsigned status, std::string body);
text_response see_other(const portal_request& r, answer& a, const std::string& location);
// A page that is not HTML (health, metrics, the WebAuthn script), with the gateway's own-page headers.
text_response plain(const portal_request& r, boost::beast::http::status status, std::string_view type, std::string body);

std::string field(const form_fields& form, const char* name);
// An authd request carrying where it comes from (for throttling and the audit trail).
nlohmann::json portal_request_json(const portal_request& r, const char* op);
// The reply's "result" when authd answered at all; "bad_request" when it refused a field of the request (too
// long); "" when it did not answer (unreachable, refused, malformed).
std::string result_of(const result<nlohmann::json>& reply);
// authd's verdict on a login step as the notice the user sees; `otherwise` for a plain refusal.
notice notice_for(const std::string& result, notice otherwise);

}  // namespace sekisho::gateway
