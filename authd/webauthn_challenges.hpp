// WebAuthn challenges between a ceremony's begin and finish requests. Held in authd's memory only, like
// pending logins: 32 random bytes (NIST-CR-01) behind an opaque handle, bound to the web session or
// pending login that asked, used once whatever the outcome (WA-R-04, WA-A-08), gone after the
// ceremony's timeout or a restart. A flood loses old entries, not memory.
#pragma once
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sekisho::authd {

class webauthn_challenges {
 public:
  enum class ceremony { registration, login };

  struct entry {
    ceremony kind = ceremony::login;
    std::string owner_hash;  // SHA-256 of the session id or pending handle it was issued to
    std::int64_t user_id = 0;
    std::string challenge;             // raw bytes
    std::vector<std::string> allowed;  // login: the credential ids sent in allowCredentials
    std::int64_t expires_at = 0;
  };

  struct issued {
    std::string handle;
    std::string challenge;  // raw bytes, to send base64url-encoded
  };

  static constexpr std::size_t challenge_bytes = 32;

  explicit webauthn_challenges(std::int64_t ttl_seconds = 120, std::size_t capacity = 10000)
      : ttl_(ttl_seconds), capacity_(capacity) {}

  issued issue(ceremony kind, std::string_view owner, std::int64_t user_id, std::vector<std::string> allowed,
               std::int64_t now);
  // Removes the handle's entry whatever follows (single use), and returns it only when it is live, of
  // this kind and issued to `owner`.
  std::optional<entry> take(std::string_view handle, ceremony kind, std::string_view owner, std::int64_t now);

  std::int64_t ttl_seconds() const { return ttl_; }

 private:
  void drop_expired(std::int64_t now);

  std::int64_t ttl_;
  std::size_t capacity_;
  std::mutex mutex_;
  std::unordered_map<std::string, entry> entries_;  // keyed by SHA-256 of the handle
};

}  // namespace sekisho::authd
