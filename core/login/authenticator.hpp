// The whole path of a login: throttle, password, second factor, audit. Every channel (web,
// SSH, RADIUS) goes through here, so policy, single-use codes and lockout are shared.
#pragma once
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/config/config.hpp"
#include "core/login/login_counters.hpp"
#include "core/password/password_hasher.hpp"
#include "core/seal/keyring.hpp"
#include "core/store/audit_store.hpp"
#include "core/store/connection_pool.hpp"
#include "core/throttle/throttle.hpp"
#include "core/util/clock.hpp"
#include "core/util/secret.hpp"

namespace sekisho::login {

// Where an attempt comes from; recorded in the audit trail.
struct context {
  std::string source;   // client address
  std::string channel;  // web, ssh, radius, cli
  std::string service;  // PAM service (sshd, radiusd, sudo) or empty
  std::string host;     // host the login is for
  std::string tty = {};  // PAM's terminal (ssh, pts/3), when a PAM caller sent it
};

enum class status {
  ok,
  denied,        // wrong or unknown user, password or code: callers show one message for all
  throttled,     // too many failures: retry_after says when to try again
  locked,        // lock_after consecutive failures: an admin must unlock
  disabled,      // right password, disabled account
  not_enrolled,  // right password, no second factor yet
  approve_required,  // right password, but pam.approve_groups has this user log in over PAM by approval only
};
std::string_view to_string(status s);

struct password_outcome {
  status result = status::denied;
  std::int64_t retry_after = 0;
  std::int64_t user_id = 0;
  std::string user;
  bool must_change_password = false;
  bool has_totp = false;
  bool has_webauthn = false;
  int recovery_codes_left = 0;
};

// What PAM's acct_mgmt asks after a successful authentication: may this account be used now?
enum class account_state {
  active,
  disabled,      // an admin disabled it
  locked,        // lock_after consecutive failures: an admin must unlock
  not_enrolled,  // no second factor yet
  unknown,       // no such user (or a name that cannot be one)
};
std::string_view to_string(account_state s);

struct factor_outcome {
  status result = status::denied;
  std::int64_t retry_after = 0;
  std::string method;  // totp, recovery or webauthn
  int recovery_codes_left = 0;
  std::int64_t user_id = 0;  // set when result is ok
  // When ok: changes to the account since the user's previous login, for the user to check were theirs.
  std::vector<store::login_record> changes;
};

// What checking one second factor found. The check itself may spend single-use state (a TOTP
// step, a recovery code, a WebAuthn counter); throttling and the audit record are the
// authenticator's, the same for every kind of factor.
struct factor_check {
  bool ok = false;
  std::string method;      // totp, recovery, webauthn; empty when the input was no factor at all
  std::string reason;      // for the audit record: why it failed ("wrong_code"), or how it passed ("code_ok")
  std::string credential;  // which authenticator was used (audited when not empty); never a secret
  int recovery_codes_left = 0;
};
using factor_checker = std::function<factor_check(store::database& db, std::int64_t now)>;

// Extra "key": "value" members of an audit record's details (empty values are left out). Never a
// secret (audit_event.hpp).
using audit_fields = std::initializer_list<std::pair<std::string_view, std::string_view>>;

class authenticator {
 public:
  authenticator(const config& cfg, store::connection_pool& pool, const seal::keyring& keys, const secret& audit_key,
                clock_fn now = system_clock_fn());

  password_outcome check_password(std::string_view user, const secret& password, const context& ctx);
  // For a user whose password was checked by check_password (authd keeps that state).
  factor_outcome check_second_factor(std::int64_t user_id, const secret& code, const context& ctx);
  // The same for a factor checked elsewhere (a WebAuthn assertion): one throttle and one audit trail
  // for every factor and channel. `check` runs only when the throttle allows an attempt.
  factor_outcome check_second_factor(std::int64_t user_id, const factor_checker& check, const context& ctx);
  // Password and code together (PAM): one answer, so no step reveals more than the other. A user in
  // pam.approve_groups gets approve_required on the PAM channels (ssh, radius, other) and the code is not
  // looked at.
  factor_outcome login(std::string_view user, const secret& password, const secret& code, const context& ctx);
  // The same with the code typed right after the password in one secret (RADIUS PAP; joined_secret.hpp).
  factor_outcome login_joined(std::string_view user, const secret& joined, const context& ctx);
  // Reads only: no hash, no throttle count, no audit record.
  account_state account_status(std::string_view user);

  // Appends an audit record for a step outside the login path (enrolling or removing a security
  // key) in the caller's transaction on `db`, or in its own.
  void audit(store::database& db, std::string_view event, std::string_view user, const context& ctx,
             std::string_view method, std::string_view result, std::string_view reason,
             audit_fields fields = {}) const;

  // The one cap on concurrent Argon2 hashes, shared by passwords and recovery codes.
  const password::hash_limiter& limiter() const { return limiter_; }
  // Login outcomes since start (login_counters.hpp), for /.sekisho/metrics.
  const login_counters& counters() const { return counters_; }
  // The same hashers for the steps outside the login path that set a password or issue recovery codes
  // (enrollment), so the one cap holds there too.
  const password::password_hasher& password_hashing() const { return hasher_; }
  const password::password_hasher& recovery_hashing() const { return recovery_hasher_; }
  // Spends the user's recovery code `code` (normalised) in `db`; false when none matches or it was spent
  // meanwhile. `left` gets how many remain.
  bool spend_recovery_code(store::database& db, std::int64_t user_id, std::string_view code, std::int64_t now,
                            int* left);

 private:
  // Appends the record, and counts it when it is a login's outcome: the one place every outcome passes.
  void record(store::database& db, const audit::audit_event& e, std::int64_t now) const;
  bool throttled(store::database& db, const std::string& name, const context& ctx, std::int64_t now,
                 status* result, std::int64_t* retry_after, std::string_view event);
  void fail(store::database& db, const std::string& name, const context& ctx, std::int64_t now,
            std::string_view event, std::string_view method, std::string_view reason, audit_fields fields = {});
  bool approval_required(std::int64_t user_id, const context& ctx);
  factor_check check_code(store::database& db, std::int64_t user_id, std::string_view code, std::int64_t now);
  bool try_totp(store::database& db, std::int64_t user_id, std::string_view code, std::int64_t now,
                std::string* reason);


  const config& cfg_;
  store::connection_pool& pool_;
  const seal::keyring& keys_;
  const secret& audit_key_;
  clock_fn now_;
  password::hash_limiter limiter_;  // before the hashers, which use it from their constructors
  password::password_hasher hasher_;
  password::password_hasher recovery_hasher_;
  throttle::throttle throttle_;
  mutable login_counters counters_;  // counted by record(), which the const audit() uses too
};

}  // namespace sekisho::login
