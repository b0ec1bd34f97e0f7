// Remote servers allowed to use pam_sekisho.so through the gateway's PAM listener: a name and a token per
// server. Only the token's SHA-256 is stored; a revoked server's token stops working at once.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/database.hpp"

namespace sekisho::store {

struct pam_host {
  std::int64_t id = 0;
  std::string name;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> last_used_at;
  std::optional<std::int64_t> revoked_at;
};

// Adds a host, or gives a revoked one of that name a new token (a live one is refused: revoke it first).
// False when a live host has that name.
bool add_pam_host(database& db, std::string_view name, std::string_view token_hash, std::int64_t now);
// Whether a live host of that name was revoked.
bool revoke_pam_host(database& db, std::string_view name, std::int64_t now);
// The live host holding this token (by its hash), marked as used now.
std::optional<pam_host> use_pam_host_token(database& db, std::string_view token_hash, std::int64_t now);
std::vector<pam_host> list_pam_hosts(database& db);

}  // namespace sekisho::store
