// The enrollment pages' HTML: set a password, choose a second factor (security key or authenticator app),
// add the app by QR code, and the recovery codes shown once (print-friendly).
#pragma once
#include <string>
#include <vector>

#include "gateway/portal/pages.hpp"

namespace sekisho::gateway {

// First step: the new password, typed twice.
std::string enroll_password_page(const page_facts& f, const std::string& user);
// Second step, no skip: a security key (f.webauthn_options set) or the authenticator app.
std::string enroll_factor_page(const page_facts& f, const std::string& user);
// The app: its QR code (inline SVG from authd), the key for typing by hand, and the first code, posted to
// `action`; `back` is the page it was chosen on (enrollment's second step, or the account page).
std::string enroll_app_page(const page_facts& f, const char* action, const char* back, const std::string& qr_svg,
                            const std::string& key);
// Ten codes, once (after enrollment, or new ones from the account page: f.message says which), with a print
// button and the way on to `f.return_path`.
std::string recovery_codes_page(const page_facts& f, const std::string& user, const std::vector<std::string>& codes);
// The link cannot be used (the notice says why).
std::string enroll_expired_page(const page_facts& f);

}  // namespace sekisho::gateway
