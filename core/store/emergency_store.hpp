// Break-glass emergency codes: at most one per user, stored as an Argon2id hash, spent by a conditional
// UPDATE so two emergency logins cannot both use it.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/database.hpp"

namespace sekisho::store {

// Replaces the user's code (used or not) with a new one.
void replace_emergency_code(database& db, std::int64_t user_id, std::string_view code_hash, std::int64_t now);
// The hash of the user's unused code.
std::optional<std::string> unused_emergency_code(database& db, std::int64_t user_id);
// False when it was spent meanwhile.
bool spend_emergency_code(database& db, std::int64_t user_id, std::int64_t now);
// Whether there was one to revoke.
bool delete_emergency_code(database& db, std::int64_t user_id);

struct emergency_listing {
  std::string user;
  std::int64_t issued_at = 0;
  std::optional<std::int64_t> used_at;
};
std::vector<emergency_listing> list_emergency_codes(database& db);

}  // namespace sekisho::store
