// SQLite connections are not shared between threads; authd's request threads borrow one each.
#pragma once
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "core/store/database.hpp"

namespace sekisho::store {

class connection_pool {
 public:
  // Opens the first connection at once, so a missing or corrupt database fails at start-up.
  connection_pool(std::filesystem::path path, std::size_t max_connections);

  class lease {
   public:
    lease(connection_pool& pool, std::unique_ptr<database> db) : pool_(&pool), db_(std::move(db)) {}
    lease(lease&& o) noexcept = default;
    lease(const lease&) = delete;
    ~lease() {
      if (db_) pool_->give_back(std::move(db_));
    }
    database& operator*() { return *db_; }
    database* operator->() { return db_.get(); }

   private:
    connection_pool* pool_;
    std::unique_ptr<database> db_;
  };

  // Waits while all connections are lent out.
  lease acquire();

 private:
  void give_back(std::unique_ptr<database> db);

  std::filesystem::path path_;
  std::size_t max_;
  std::size_t opened_ = 0;
  std::vector<std::unique_ptr<database>> idle_;
  std::mutex mutex_;
  std::condition_variable available_;
};

}  // namespace sekisho::store
