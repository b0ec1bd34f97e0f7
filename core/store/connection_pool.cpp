#include "core/store/connection_pool.hpp"

namespace sekisho::store {

connection_pool::connection_pool(std::filesystem::path path, std::size_t max_connections)
    : path_(std::move(path)), max_(max_connections == 0 ? 1 : max_connections) {
  idle_.push_back(std::make_unique<database>(database::open(path_)));
  opened_ = 1;
}

connection_pool::lease connection_pool::acquire() {
  std::unique_lock lock(mutex_);
  available_.wait(lock, [&] { return !idle_.empty() || opened_ < max_; });
  if (!idle_.empty()) {
    auto db = std::move(idle_.back());
    idle_.pop_back();
    return lease(*this, std::move(db));
  }
  ++opened_;
  lock.unlock();
  try {
    return lease(*this, std::make_unique<database>(database::open(path_)));
  } catch (...) {
    std::lock_guard relock(mutex_);
    --opened_;
    available_.notify_one();
    throw;
  }
}

void connection_pool::give_back(std::unique_ptr<database> db) {
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(db));
  available_.notify_one();
}

}  // namespace sekisho::store
