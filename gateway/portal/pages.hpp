// The portal's pages, server-rendered in plain words (a nurse, not an engineer), Japanese or English,
// usable by keyboard and on a phone; no script and no external resource.
#pragma once
#include <cstdint>
#include <string>

#include "gateway/portal/language.hpp"

namespace sekisho::gateway {

// What a page tells the user above its form.
enum class notice {
  none,
  wrong_password,  // unknown users see exactly this too
  wrong_code,
  throttled,       // with retry_after seconds
  locked,
  disabled,
  not_enrolled,
  login_expired,   // the step between password and code took too long
  form_expired,    // CSRF token or Origin check failed
  unavailable,     // authd did not answer
  logged_out,
};

struct page_facts {
  language lang = language::ja;
  notice message = notice::none;
  std::int64_t retry_after = 0;
  std::string csrf;         // the form token
  std::string return_path;  // where the login goes afterwards (already safe)
  std::string self_path;    // this page's path and query, for the language switch
};

std::string password_page(const page_facts& f);
std::string code_page(const page_facts& f);
std::string logged_out_page(const page_facts& f);
// Log out (or switch user): one button, a POST, so no link on another site can log anyone out.
std::string logout_page(const page_facts& f);

// Text safe inside HTML element content and double-quoted attributes.
std::string html_escape(std::string_view text);

}  // namespace sekisho::gateway
