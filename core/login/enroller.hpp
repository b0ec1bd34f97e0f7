// Enrolling factors. By one-time link, no email needed: the link's holder sets a password under the site's
// profile, then must enroll a second factor (an authenticator app confirmed by a first code, or a
// security key that authd verifies), and receives ten recovery codes. The link stays valid until that
// last step, which spends it, so a closed browser halfway costs nothing but reopening the link.
// From the account page, a logged-in user (whose session the caller found fresh) adds an app, changes
// the password or replaces the recovery codes, with the same rules.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/config.hpp"
#include "core/login/authenticator.hpp"
#include "core/password/password_policy.hpp"
#include "core/seal/keyring.hpp"
#include "core/store/connection_pool.hpp"
#include "core/util/clock.hpp"
#include "core/util/secret.hpp"

namespace sekisho::login {

class enroller {
 public:
  enroller(const config& cfg, store::connection_pool& pool, const seal::keyring& keys, const authenticator& auth,
           clock_fn now = system_clock_fn());

  struct link {
    std::int64_t user_id = 0;
    std::string user;
    std::string display_name;
    bool password_set = false;  // the first step is done; the second factor is next
    std::int64_t expires_at = 0;
  };
  // The link's user while the token is unused and unexpired.
  std::optional<link> open(std::string_view token);

  // nullopt when the link is not valid; otherwise the policy's verdict, and the password is set when it is ok.
  std::optional<password::policy_verdict> set_password(std::string_view token, const secret& password,
                                                       const context& ctx);

  struct app_offer {
    std::string uri;  // otpauth://, for the QR code
    std::string key;  // base32, for typing by hand
  };
  // The authenticator app to add: the same one until it is confirmed or the link ends, so a reloaded page
  // shows the QR code the phone already scanned. nullopt: the link is not valid or the password not set.
  std::optional<app_offer> offer_app(std::string_view token);

  enum class outcome { done, expired, refused };
  struct completion {
    outcome result = outcome::expired;
    std::string reason;  // why refused (audited)
    std::int64_t user_id = 0;
    std::string user;
    std::vector<std::string> recovery_codes;  // to show once
  };
  // The first code from the offered app: the app becomes the user's second factor and the link is spent.
  completion confirm_app(std::string_view token, const secret& code, const context& ctx);

  // The account page's changes, for a user the caller has authenticated.
  app_offer offer_app_to(std::int64_t user_id, const std::string& user);
  // "" when the code confirms the offered app (it becomes a second factor), else why not; both audited.
  std::string confirm_app_of(std::int64_t user_id, const std::string& user, const secret& code, const context& ctx);
  // The policy's verdict; the password is set (and audited) when it is ok.
  password::policy_verdict change_password(std::int64_t user_id, const std::string& user, const secret& password,
                                           const context& ctx);
  // Ten new codes to show once; the earlier ones stop working.
  std::vector<std::string> renew_recovery_codes(std::int64_t user_id, const std::string& user, const context& ctx);

  // Stores a factor verified elsewhere (a security key) inside the completing transaction; returns "" or the
  // reason it was refused (nothing is then changed but the refusal's audit record, written by the caller).
  using factor_writer = std::function<std::string(store::database& db, const link& l)>;
  // The last step for any factor: `write` stores it, the link is spent, ten recovery codes replace any
  // earlier ones, all in one transaction with the audit record.
  completion complete(std::string_view token, std::string_view method, const context& ctx,
                      const factor_writer& write);

 private:
  std::optional<link> open(store::database& db, std::string_view token_hash, std::int64_t now);
  // In the caller's transaction: the user's unconfirmed app, made when there is none.
  app_offer offer(store::database& db, std::int64_t user_id, const std::string& user);
  // In the caller's transaction: "" when `code` confirms the unconfirmed app, else why not.
  std::string confirm(store::database& db, std::int64_t user_id, const secret& code);
  // The verdict on a new password, and its hash in `phc` when it is ok.
  password::policy_verdict hash_new_password(const secret& password, const std::string& user, std::string* phc);

  const config& cfg_;
  store::connection_pool& pool_;
  const seal::keyring& keys_;
  const authenticator& auth_;
  clock_fn now_;
};

}  // namespace sekisho::login
