// One SQLite connection: WAL, foreign keys, busy timeout, prepared statements only.
// This folder holds all of Sekisho's SQL, so another backend stays a new folder, not a rewrite.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace sekisho::store {

// Raised for failures the caller cannot fix by changing its input: a corrupt file, a full disk,
// a lock held past the busy timeout. Request handlers turn it into an "unavailable" reply.
class store_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class statement;

class database {
 public:
  // Opens (creating if `create`) and migrates to the current schema.
  static database open(const std::filesystem::path& path, bool create = false);
  // Opens without migrating: for tests of the migrations themselves.
  static database open_unmigrated(const std::filesystem::path& path);

  database(database&& o) noexcept;
  database& operator=(database&&) = delete;
  database(const database&) = delete;
  ~database();

  statement prepare(std::string_view sql);
  void exec(std::string_view sql);  // for fixed SQL without parameters only
  std::int64_t last_insert_id() const;
  int changes() const;
  sqlite3* handle() { return db_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  database(sqlite3* db, std::filesystem::path path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::filesystem::path path_;
};

class statement {
 public:
  statement(database& db, std::string_view sql);
  statement(statement&& o) noexcept : db_(o.db_), st_(o.st_) { o.st_ = nullptr; }
  statement(const statement&) = delete;
  ~statement();

  statement& bind(int index, std::int64_t v);
  statement& bind(int index, std::string_view text);
  statement& bind_blob(int index, std::string_view bytes);
  statement& bind_null(int index);
  statement& bind_optional(int index, const std::optional<std::string>& text);

  // True while a row is available.
  bool step();
  // Runs a statement that returns no rows.
  void run();
  void reset();

  std::int64_t column_int(int i) const;
  std::string column_text(int i) const;
  std::string column_blob(int i) const;
  bool column_is_null(int i) const;

 private:
  database& db_;
  sqlite3_stmt* st_;
};

// BEGIN IMMEDIATE … COMMIT; rolls back unless committed. IMMEDIATE takes the write lock at the
// start, so two writers never both read a value and then race to update it.
class transaction {
 public:
  explicit transaction(database& db);
  transaction(const transaction&) = delete;
  ~transaction();
  void commit();

 private:
  database& db_;
  bool done_ = false;
};

}  // namespace sekisho::store
