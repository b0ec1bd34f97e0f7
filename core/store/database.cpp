#include "core/store/database.hpp"

#include <sqlite3.h>

#include "core/store/schema.hpp"

namespace sekisho::store {
namespace {

[[noreturn]] void fail(sqlite3* db, std::string_view what) {
  throw store_error(std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

sqlite3* open_handle(const std::filesystem::path& path, int flags) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw store_error(path.string() + ": cannot open the database: " + msg);
  }
  sqlite3_extended_result_codes(db, 1);
  return db;
}

}  // namespace

database database::open_unmigrated(const std::filesystem::path& path) {
  database db(open_handle(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE), path);
  sqlite3_busy_timeout(db.db_, 5000);
  db.exec("PRAGMA foreign_keys = ON");
  db.exec("PRAGMA secure_delete = ON");  // deleted secrets do not linger in free pages
  // WAL lets authd read while the CLI writes; a corrupt or foreign file fails here.
  auto st = db.prepare("PRAGMA journal_mode = WAL");
  if (!st.step() || st.column_text(0) != "wal")
    throw store_error(path.string() + ": cannot switch the database to WAL mode");
  db.exec("PRAGMA synchronous = NORMAL");
  return db;
}

database database::open(const std::filesystem::path& path, bool create) {
  std::error_code ec;
  if (!create && !std::filesystem::exists(path, ec))
    throw store_error(path.string() + ": no database here (run `sekisho init` first)");
  database db = open_unmigrated(path);
  migrate(db);
  return db;
}

database::database(database&& o) noexcept : db_(o.db_), path_(std::move(o.path_)) { o.db_ = nullptr; }

database::~database() { sqlite3_close_v2(db_); }

statement database::prepare(std::string_view sql) { return statement(*this, sql); }

void database::exec(std::string_view sql) {
  char* err = nullptr;
  std::string s(sql);
  if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw store_error("database: " + msg);
  }
}

std::int64_t database::last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
int database::changes() const { return sqlite3_changes(db_); }

statement::statement(database& db, std::string_view sql) : db_(db), st_(nullptr) {
  if (sqlite3_prepare_v3(db.handle(), sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &st_, nullptr) != SQLITE_OK)
    fail(db.handle(), "cannot prepare a statement");
}

statement::~statement() { sqlite3_finalize(st_); }

statement& statement::bind(int index, std::int64_t v) {
  if (sqlite3_bind_int64(st_, index, v) != SQLITE_OK) fail(db_.handle(), "bind");
  return *this;
}

statement& statement::bind(int index, std::string_view text) {
  if (sqlite3_bind_text(st_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT) != SQLITE_OK)
    fail(db_.handle(), "bind");
  return *this;
}

statement& statement::bind_blob(int index, std::string_view bytes) {
  if (sqlite3_bind_blob(st_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT) != SQLITE_OK)
    fail(db_.handle(), "bind");
  return *this;
}

statement& statement::bind_null(int index) {
  if (sqlite3_bind_null(st_, index) != SQLITE_OK) fail(db_.handle(), "bind");
  return *this;
}

statement& statement::bind_optional(int index, const std::optional<std::string>& text) {
  return text ? bind(index, std::string_view(*text)) : bind_null(index);
}

bool statement::step() {
  int rc = sqlite3_step(st_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(db_.handle(), "database");
}

void statement::run() {
  while (step()) {
  }
}

void statement::reset() {
  sqlite3_reset(st_);
  sqlite3_clear_bindings(st_);
}

std::int64_t statement::column_int(int i) const { return sqlite3_column_int64(st_, i); }

std::string statement::column_text(int i) const {
  auto* p = sqlite3_column_text(st_, i);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(st_, i)))
           : std::string();
}

std::string statement::column_blob(int i) const {
  auto* p = sqlite3_column_blob(st_, i);
  return p ? std::string(static_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(st_, i)))
           : std::string();
}

bool statement::column_is_null(int i) const { return sqlite3_column_type(st_, i) == SQLITE_NULL; }

transaction::transaction(database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

transaction::~transaction() {
  if (!done_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

}  // namespace sekisho::store
