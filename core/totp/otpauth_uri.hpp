// otpauth:// Key URIs (Google Authenticator "Key Uri Format"), the text inside the enrollment QR code.
#pragma once
#include <string>
#include <string_view>

#include "core/totp/totp.hpp"
#include "core/util/result.hpp"

namespace sekisho::totp {

// otpauth://totp/ISSUER:ACCOUNT?secret=BASE32&issuer=ISSUER&algorithm=SHA1&digits=6&period=30
// Issuer and account are percent-encoded (everything but RFC 3986 unreserved characters), so
// Japanese names survive every scanner. An empty issuer is left out of both label and parameters.
// Neither name may contain ':' (the label separator); callers validate names before enrolling.
std::string make_otpauth_uri(std::string_view issuer, std::string_view account, std::string_view secret_bytes,
                             const totp_params& p);

struct otpauth {
  std::string issuer;
  std::string account;
  std::string secret;  // decoded bytes, not base32
  totp_params params;
};

// A strict reader (tests and the fuzzer): type totp only; secret required, unpadded base32;
// digits 6–8; period 15–120; algorithm SHA1/SHA256/SHA512; the label's issuer must equal the
// issuer parameter when both are present; a repeated parameter is an error; unknown ones are ignored.
result<otpauth> parse_otpauth_uri(std::string_view uri);

}  // namespace sekisho::totp
