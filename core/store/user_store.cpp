#include "core/store/user_store.hpp"

#include <algorithm>

#include "core/util/random.hpp"

namespace sekisho::store {
namespace {

// users.is_admin (migration 1) is neither read nor written: an admin is a member of admin_group, one fact
// in one place, which a flag beside the groups would contradict once the group is removed.
constexpr std::string_view user_columns =
    "id, name, display_name, coalesce(password_hash, ''), disabled, must_change_password, "
    "user_handle, created_at, last_login_at FROM users ";

user_row read_user(statement& st) {
  user_row u;
  u.id = st.column_int(0);
  u.name = st.column_text(1);
  u.display_name = st.column_text(2);
  u.password_hash = st.column_text(3);
  u.disabled = st.column_int(4) != 0;
  u.must_change_password = st.column_int(5) != 0;
  u.user_handle = st.column_blob(6);
  u.created_at = st.column_int(7);
  if (!st.column_is_null(8)) u.last_login_at = st.column_int(8);
  return u;
}

void load_groups(database& db, user_row& u) {
  auto st = db.prepare("SELECT name FROM user_groups WHERE user_id = ? ORDER BY name");
  st.bind(1, u.id);
  while (st.step()) u.groups.push_back(st.column_text(0));
}

std::optional<user_row> find_one(database& db, std::string_view where, auto bind_key) {
  auto st = db.prepare("SELECT " + std::string(user_columns) + std::string(where));
  bind_key(st);
  if (!st.step()) return std::nullopt;
  auto u = read_user(st);
  load_groups(db, u);
  return u;
}

void update_user(database& db, std::string_view sql, std::int64_t user_id, auto bind_rest) {
  auto st = db.prepare(sql);
  bind_rest(st);
  st.bind(1, user_id);
  st.run();
}

}  // namespace

bool is_admin(const std::vector<std::string>& groups) {
  return std::find(groups.begin(), groups.end(), admin_group) != groups.end();
}

std::optional<user_row> find_user(database& db, std::string_view name) {
  return find_one(db, "WHERE name = ?", [&](statement& st) { st.bind(1, name); });
}

std::optional<user_row> find_user_by_id(database& db, std::int64_t id) {
  return find_one(db, "WHERE id = ?", [&](statement& st) { st.bind(1, id); });
}

std::vector<user_row> list_users(database& db) {
  std::vector<user_row> out;
  auto st = db.prepare("SELECT " + std::string(user_columns) + "ORDER BY name");
  while (st.step()) out.push_back(read_user(st));
  for (auto& u : out) load_groups(db, u);
  return out;
}

std::int64_t insert_user(database& db, std::string_view name, std::string_view display_name,
                         std::int64_t now) {
  auto st = db.prepare(
      "INSERT INTO users(name, display_name, user_handle, created_at, updated_at) VALUES(?, ?, ?, ?, ?)");
  st.bind(1, name).bind(2, display_name).bind_blob(3, random_bytes(32)).bind(4, now).bind(5, now).run();
  return db.last_insert_id();
}

void set_password_hash(database& db, std::int64_t user_id, std::string_view phc, bool must_change,
                       std::int64_t now) {
  update_user(db, "UPDATE users SET password_hash = ?2, must_change_password = ?3, updated_at = ?4 WHERE id = ?1",
              user_id, [&](statement& st) { st.bind(2, phc).bind(3, std::int64_t{must_change}).bind(4, now); });
}

void set_disabled(database& db, std::int64_t user_id, bool disabled, std::int64_t now) {
  update_user(db, "UPDATE users SET disabled = ?2, updated_at = ?3 WHERE id = ?1", user_id,
              [&](statement& st) { st.bind(2, std::int64_t{disabled}).bind(3, now); });
}

void record_login(database& db, std::int64_t user_id, std::int64_t now) {
  update_user(db, "UPDATE users SET last_login_at = ?2 WHERE id = ?1", user_id,
              [&](statement& st) { st.bind(2, now); });
}

void set_groups(database& db, std::int64_t user_id, const std::vector<std::string>& groups) {
  auto del = db.prepare("DELETE FROM user_groups WHERE user_id = ?");
  del.bind(1, user_id).run();
  auto ins = db.prepare("INSERT OR IGNORE INTO user_groups(user_id, name) VALUES(?, ?)");
  for (const auto& g : groups) {
    ins.bind(1, user_id).bind(2, g).run();
    ins.reset();
  }
}

void delete_user(database& db, std::int64_t user_id) {
  auto st = db.prepare("DELETE FROM users WHERE id = ?");
  st.bind(1, user_id).run();
}

}  // namespace sekisho::store
