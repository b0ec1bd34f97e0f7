#include "core/store/backup.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

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

// Reads only: a backup may be on read-only media.
result<void> check_intact(sqlite3* db, const std::filesystem::path& path) {
  if (first_value(db, "PRAGMA integrity_check") != "ok") return make_error(path.string() + ": the database is damaged");
  if (first_value(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('users', 'audit_log')") !=
      "2")
    return make_error(path.string() + ": not a Sekisho database");
  if (std::stoi("0" + first_value(db, "PRAGMA user_version")) > schema_version)
    return make_error(path.string() + ": the backup is from a newer Sekisho");
  return {};
}

}  // namespace

result<void> backup_to(database& db, const std::filesystem::path& to) {
  // Create the file first, exclusively and private, so the copy is never world-readable.
  int fd = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return make_error(to.string() + ": cannot create the backup file (does it exist already?)");
  ::close(fd);
  try {
    auto dst = database::open_unmigrated(to);
    if (auto r = copy_pages(dst.handle(), db.handle()); !r) {
      std::filesystem::remove(to);
      return r;
    }
    dst.exec("PRAGMA journal_mode = DELETE");  // one self-contained file, no -wal beside it
    return check_intact(dst.handle(), to);
  } catch (const store_error& e) {
    std::error_code ec;
    std::filesystem::remove(to, ec);
    return make_error(e.what());
  }
}

result<void> restore_from(const std::filesystem::path& from, database& db) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(from, ec)) return make_error(from.string() + ": no such backup file");
  {
    sqlite3* raw = nullptr;
    if (sqlite3_open_v2(from.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      sqlite3_close(raw);
      return make_error(from.string() + ": cannot open the backup");
    }
    struct closer {
      sqlite3* h;
      ~closer() { sqlite3_close(h); }
    } guard{raw};
    if (auto r = check_intact(raw, from); !r) return r;
    if (auto r = copy_pages(db.handle(), raw); !r) return r;
  }
  migrate(db);
  return {};
}

}  // namespace sekisho::store
