// Logins between the password step and the second factor (the web portal's two pages).
// Held in authd's memory only: a short-lived random handle, bound to the client address,
// usable for a few code attempts, gone on success, expiry or restart.
#pragma once
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sekisho::authd {

class pending_logins {
 public:
  struct entry {
    std::int64_t user_id = 0;
    std::string user;
    std::string source;
    std::int64_t expires_at = 0;
    int attempts_left = 0;
  };

  explicit pending_logins(std::int64_t ttl_seconds = 300, int attempts = 5, std::size_t capacity = 10000)
      : ttl_(ttl_seconds), attempts_(attempts), capacity_(capacity) {}

  std::string add(std::int64_t user_id, std::string user, std::string source, std::int64_t now);
  // The entry if the handle is live and used from the same address; counts one attempt.
  std::optional<entry> use(std::string_view handle, std::string_view source, std::int64_t now);
  // The same without counting an attempt: for steps that prove nothing yet (asking for a WebAuthn
  // challenge). The attempt is counted when the answer comes back (use).
  std::optional<entry> peek(std::string_view handle, std::string_view source, std::int64_t now);
  void finish(std::string_view handle);

 private:
  void drop_expired(std::int64_t now);
  std::optional<entry> find_live(std::string_view handle, std::string_view source, std::int64_t now, bool count);

  std::int64_t ttl_;
  int attempts_;
  std::size_t capacity_;
  std::mutex mutex_;
  std::unordered_map<std::string, entry> entries_;  // keyed by SHA-256 of the handle
};

}  // namespace sekisho::authd
