// SSH approval by security key (pam_sekisho mode=approve). After the password over PAM, authd opens an
// approval: a secret handle the PAM module keeps, and a short code the terminal shows. The user types the
// code on the web page while logged in, sees which host, service and address asked, and approves with a new
// WebAuthn assertion (or denies). The module's next request takes the approval, whatever its state: single
// use, bound to that one PAM transaction, void after the timeout. Held in authd's memory only, like pending
// logins; a restart voids every approval.
#pragma once
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/login/authenticator.hpp"

namespace sekisho::authd {

class approvals {
 public:
  enum class state { waiting, approved, denied };

  struct entry {
    std::int64_t user_id = 0;
    std::string user;
    login::context ctx;  // the login asking: host, service, source address, terminal, channel
    std::string code;    // 8 digits, unique among the user's live approvals
    std::int64_t opened_at = 0;
    std::int64_t expires_at = 0;
    state decision = state::waiting;
  };

  struct opened {
    std::string handle;  // for the PAM module only
    std::string code;    // for the user: shown as 4821-3390
  };

  static constexpr std::size_t code_digits = 8;

  explicit approvals(std::int64_t ttl_seconds = 120, std::size_t capacity = 1000)
      : ttl_(ttl_seconds), capacity_(capacity) {}

  opened open(std::int64_t user_id, std::string user, login::context ctx, std::int64_t now);
  // The user's live approval with this code (digits; spaces and dashes are ignored), waiting for a decision.
  std::optional<entry> find_waiting(std::int64_t user_id, std::string_view code, std::int64_t now);
  // The user's decision on a waiting approval; false when it is gone, expired or already decided.
  bool decide(std::int64_t user_id, std::string_view code, bool approve, std::int64_t now);
  // Removes the handle's approval (single use, whatever its state) and returns it when it was still live.
  std::optional<entry> take(std::string_view handle, std::int64_t now);

  std::int64_t ttl_seconds() const { return ttl_; }

 private:
  void drop_expired(std::int64_t now);
  entry* find_locked(std::int64_t user_id, std::string_view code, std::int64_t now);

  std::int64_t ttl_;
  std::size_t capacity_;
  std::mutex mutex_;
  std::unordered_map<std::string, entry> entries_;  // keyed by SHA-256 of the handle
};

// "48213390" → "4821-3390", as the prompt and the page show it.
std::string display_code(std::string_view code);
// What the user typed ("4821-3390", "4821 3390") as the 8 digits; "" when it cannot be a code.
std::string typed_code(std::string_view typed);

}  // namespace sekisho::authd
