#include "core/store/backup.hpp"

#include <sqlite3.h>

#include <cstring>
#include <string>
#include <thread>

#include "core/store/schema.hpp"

namespace sekisho::store {
namespace {

// Copies all pages from src to dst, waiting politely while a writer holds the lock.
result<void> copy_pages(sqlite3* dst, sqlite3* src) {
  sqlite3_backup* b = sqlite3_backup_init(dst, "main", src, "main");
  if (!b) return make_error(std::string("backup failed: ") + sqlite3_errmsg(dst));
  int rc;
  while ((rc = sqlite3_backup_step(b, 256)) == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
    if (rc != SQLITE_OK) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) return make_error(std::string("backup failed: ") + sqlite3_errstr(rc));
  return {};
}

std::string first_value(sqlite3* db, const char* sql) {
  sqlite3_stmt* st = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
    auto* p = sqlite3_column_text(st, 0);
    out = p ? reinterpret_cast<const char*>(p) : "";
  }
  sqlite3_finalize(st);
  return out;
}

// A private in-memory database, closed (and its pages freed) when this goes.
struct memory_db {
  sqlite3* h = nullptr;
  memory_db() {
    if (sqlite3_open_v2(":memory:", &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
      sqlite3_close(h);
      h = nullptr;
    }
  }
  ~memory_db() { sqlite3_close(h); }
  memory_db(const memory_db&) = delete;
};

// Bytes 18 and 19 of the header say "WAL"; an image must say "rollback journal" or the in-memory
// VFS cannot read it.
void mark_rollback_journal(char* image, std::size_t size) {
  if (size > 19) image[18] = image[19] = 1;
}

// Loads `image` into `mem` (a copy SQLite owns and frees).
bool load_image(memory_db& mem, std::string_view image) {
  auto* buf = static_cast<char*>(sqlite3_malloc64(image.size()));
  if (!buf) return false;
  std::memcpy(buf, image.data(), image.size());
  mark_rollback_journal(buf, image.size());
  return sqlite3_deserialize(mem.h, "main", reinterpret_cast<unsigned char*>(buf),
                             static_cast<sqlite3_int64>(image.size()), static_cast<sqlite3_int64>(image.size()),
                             SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE) == SQLITE_OK;
}

result<void> check_intact(sqlite3* db, std::string_view label) {
  const std::string l(label);
  if (first_value(db, "PRAGMA integrity_check") != "ok") return make_error(l + ": the database is damaged");
  if (first_value(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('users', 'audit_log')") !=
      "2")
    return make_error(l + ": not a Sekisho database");
  if (std::stoi("0" + first_value(db, "PRAGMA user_version")) > schema_version)
    return make_error(l + ": the backup is from a newer Sekisho");
  return {};
}

}  // namespace

result<secret> database_image(database& db) {
  memory_db mem;
  if (!mem.h) return make_error("backup failed: out of memory");
  if (auto r = copy_pages(mem.h, db.handle()); !r) return r.err();
  sqlite3_int64 size = 0;
  unsigned char* raw = sqlite3_serialize(mem.h, "main", &size, 0);
  if (!raw) return make_error("backup failed: cannot serialise the database");
  secret image(std::string_view(reinterpret_cast<const char*>(raw), static_cast<std::size_t>(size)));
  wipe_memory(raw, static_cast<std::size_t>(size));
  sqlite3_free(raw);
  mark_rollback_journal(image.data(), image.size());
  return image;
}

result<void> check_image(std::string_view image, std::string_view label) {
  memory_db mem;
  if (!mem.h || !load_image(mem, image)) return make_error(std::string(label) + ": cannot open the database copy");
  return check_intact(mem.h, label);
}

result<void> restore_image(std::string_view image, database& db) {
  memory_db mem;
  if (!mem.h || !load_image(mem, image)) return make_error("the backup's database cannot be opened");
  if (auto r = check_intact(mem.h, "the backup's database"); !r) return r;
  if (auto r = copy_pages(db.handle(), mem.h); !r) return r;
  migrate(db);
  return {};
}

}  // namespace sekisho::store
