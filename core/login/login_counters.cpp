#include "core/login/login_counters.hpp"

namespace sekisho::login {
namespace {

std::string label(std::string_view value) { return value.empty() ? "unknown" : std::string(value); }

}  // namespace

void login_counters::count_login(std::string_view channel, std::string_view method, std::string_view result) {
  auto key = std::make_tuple(label(channel), label(method), label(result));
  std::lock_guard lock(mutex_);
  ++counts_.logins[std::move(key)];
}

void login_counters::count_throttled(std::string_view channel) {
  auto key = label(channel);
  std::lock_guard lock(mutex_);
  ++counts_.throttled[std::move(key)];
}

login_counters::snapshot login_counters::read() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

}  // namespace sekisho::login
