// The enrollment link's requests (the portal's /.sekisho/enroll pages): enroll.open, enroll.password,
// enroll.app.begin / .finish (an authenticator app), enroll.webauthn.begin / .finish (a security key).
// Every one carries the link's token; the last step answers with the recovery codes and, when asked,
// a two-factor web session (the user has just proved the password and the new factor).
#pragma once
#include "authd/request_table.hpp"
#include "authd/webauthn_requests.hpp"
#include "core/login/enroller.hpp"

namespace sekisho::authd {

// An authenticator app on offer, as both the enrollment and the account page send it: the otpauth URI, the key
// for typing by hand, and the QR code as inline SVG (the gateway needs no QR library).
nlohmann::json app_offer_reply(const login::enroller::app_offer& offer);

void register_enrollment_requests(request_table& table, login::enroller& enroller, const webauthn_services& services);

}  // namespace sekisho::authd
