#include "core/login/totp_credential.hpp"

namespace sekisho::login {

totp::totp_params params_of(const store::totp_row& row) {
  totp::totp_params p;
  p.algorithm = row.algorithm == "SHA256"   ? totp_algorithm::sha256
                : row.algorithm == "SHA512" ? totp_algorithm::sha512
                                            : totp_algorithm::sha1;
  p.digits = row.digits;
  p.period_seconds = row.period;
  return p;
}

}  // namespace sekisho::login
