// Accounts: names, password hashes, flags and groups.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/store/admin_group.hpp"
#include "core/store/database.hpp"

namespace sekisho::store {

struct user_row {
  std::int64_t id = 0;
  std::string name;
  std::string display_name;
  std::string password_hash;  // empty until the user (or an admin) sets one
  bool disabled = false;
  bool must_change_password = false;
  std::string user_handle;  // random WebAuthn user handle, no PII
  std::int64_t created_at = 0;
  std::optional<std::int64_t> last_login_at;
  std::vector<std::string> groups;
};

// A member of admin_group (admin_group.hpp): these groups, or the user's.
bool is_admin(const std::vector<std::string>& groups);
inline bool is_admin(const user_row& u) { return is_admin(u.groups); }

std::optional<user_row> find_user(database& db, std::string_view name);
std::optional<user_row> find_user_by_id(database& db, std::int64_t id);
std::vector<user_row> list_users(database& db);
// The caller checks the name's syntax; a duplicate name throws store_error (UNIQUE).
std::int64_t insert_user(database& db, std::string_view name, std::string_view display_name,
                         std::int64_t now);
void set_password_hash(database& db, std::int64_t user_id, std::string_view phc, bool must_change,
                       std::int64_t now);
void set_disabled(database& db, std::int64_t user_id, bool disabled, std::int64_t now);
void set_groups(database& db, std::int64_t user_id, const std::vector<std::string>& groups);
void record_login(database& db, std::int64_t user_id, std::int64_t now);
void delete_user(database& db, std::int64_t user_id);

}  // namespace sekisho::store
