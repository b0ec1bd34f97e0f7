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
  key_login_failed,  // the security key's answer was refused
  key_added,       // a security key was registered
  key_refused,     // authd refused the registration
  key_changed,     // a key was renamed or removed
  last_factor,     // the last second factor cannot be removed
  reauthenticate,  // the change needs a login in the last 5 minutes
  link_expired,    // the enrollment link is unknown, spent or past its time
  password_refused,  // the password profile refused it: page_facts::detail says why
  passwords_differ,  // the two typed passwords are not the same
  enrolled,          // enrollment is over (above the recovery codes)
  wrong_current_password,  // the account page's password change: the current one is not right
  password_changed,
  app_added,         // another authenticator app is set up
  recovery_codes_renewed,  // ten new codes, shown below; the old ones stopped working
  others_logged_out, // the user's sessions on other devices were ended
  break_glass_denied,  // user name, password or emergency code not right
  break_glass_off,     // this site has no emergency access
  reason_missing,      // emergency access needs a reason
  must_change_password,  // an admin set a temporary password
  approval_not_found,    // no login waits for approval under that code (mistyped, expired or decided)
  approval_given,        // the login at the terminal may go on: press Enter there
  approval_denied,       // the login at the terminal will fail
  approval_emergency,    // an emergency session cannot approve logins
};

struct page_facts {
  language lang = language::ja;
  notice message = notice::none;
  std::int64_t retry_after = 0;
  std::string detail;       // authd's own words for the notice (why a password was refused), already localised
  std::string csrf;         // the form token
  std::string return_path;  // where the login goes afterwards (already safe)
  std::string self_path;    // this page's path and query, for the language switch
  bool break_glass_offered = false;  // the login page links to emergency access
  bool switchable = true;   // false on a page that cannot be shown again (the recovery codes)
  std::string webauthn_options;  // authd's options for the security key script (JSON); empty: no key
  std::string webauthn_handle;   // authd's handle for that challenge
};

// The pieces every portal page is built from.
struct wording {
  const char* ja;
  const char* en;
};
const char* pick(const page_facts& f, wording w);
std::string layout(const page_facts& f, const char* title, const std::string& content);
std::string hidden_field(const char* name, const std::string& value);
// A POST form to `action` carrying the form token and the return path.
std::string form_start(const char* action, const page_facts& f, const char* id = nullptr);
// The security key button, its error line and the script; the options ride in a data attribute.
std::string webauthn_block(const page_facts& f, const char* button_id, const char* label);
// The security key button and the form its answer (an assertion) is posted in to `action`; `extra_fields` are
// more hidden fields of that form.
std::string security_key_answer(const page_facts& f, const char* action, const char* label,
                                const std::string& extra_fields = {});
// The form a new security key's answer is posted in to `action`, with the key's name field, and its button.
std::string key_registration(const page_facts& f, const char* action);

std::string password_page(const page_facts& f);
std::string code_page(const page_facts& f);
std::string logged_out_page(const page_facts& f);
// Log out (or switch user): one button, a POST, so no link on another site can log anyone out.
std::string logout_page(const page_facts& f);

// Text safe inside HTML element content and double-quoted attributes.
std::string html_escape(std::string_view text);

}  // namespace sekisho::gateway
