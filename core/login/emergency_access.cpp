#include "core/login/emergency_access.hpp"

#include "core/recovery/recovery_codes.hpp"
#include "core/store/emergency_store.hpp"

namespace sekisho::login {

factor_checker emergency_code_checker(const break_glass_config& cfg, authenticator& auth, std::int64_t user_id,
                                      const secret& code) {
  return [&cfg, &auth, user_id, &code](store::database& db, std::int64_t now) {
    factor_check c;
    c.method = "break_glass";
    const auto typed = recovery::normalize_code(code.view());
    if (!typed) {
      c.reason = "not_a_code";
      return c;
    }
    const auto stored = store::unused_emergency_code(db, user_id);
    if (stored && auth.recovery_hashing().verify(*stored, *typed).match) {
      c.ok = store::spend_emergency_code(db, user_id, now);
      c.reason = c.ok ? "emergency_code" : "emergency_code_spent";
      return c;
    }
    if (cfg.accept_recovery_codes && auth.spend_recovery_code(db, user_id, *typed, now, &c.recovery_codes_left)) {
      c.ok = true;
      c.reason = "recovery_code";
      return c;
    }
    c.reason = "wrong_emergency_code";
    return c;
  };
}

}  // namespace sekisho::login
