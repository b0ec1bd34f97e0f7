#include "authd/approvals.hpp"

#include <algorithm>

#include "core/util/digest.hpp"
#include "core/util/random.hpp"
#include "core/util/secret.hpp"

namespace sekisho::authd {
namespace {

std::string random_code() {
  std::string code;
  for (std::size_t i = 0; i < approvals::code_digits; ++i) code.push_back(static_cast<char>('0' + random_below(10)));
  return code;
}

}  // namespace

void approvals::drop_expired(std::int64_t now) {
  for (auto it = entries_.begin(); it != entries_.end();)
    it = it->second.expires_at <= now ? entries_.erase(it) : std::next(it);
}

approvals::entry* approvals::find_locked(std::int64_t user_id, std::string_view code, std::int64_t now) {
  for (auto& [key, e] : entries_)
    if (e.user_id == user_id && e.expires_at > now && equal_constant_time(e.code, code)) return &e;
  return nullptr;
}

approvals::opened approvals::open(std::int64_t user_id, std::string user, login::context ctx, std::int64_t now) {
  std::lock_guard lock(mutex_);
  drop_expired(now);
  if (entries_.size() >= capacity_) {  // a flood loses the oldest, not memory
    entries_.erase(std::min_element(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) {
      return a.second.opened_at < b.second.opened_at;
    }));
  }
  std::string code;
  do code = random_code();
  while (find_locked(user_id, code, now) != nullptr);
  opened out{random_token(32), code};
  entries_[sha256(out.handle)] = entry{user_id, std::move(user), std::move(ctx), code, now, now + ttl_,
                                       state::waiting};
  return out;
}

std::optional<approvals::entry> approvals::find_waiting(std::int64_t user_id, std::string_view code, std::int64_t now) {
  std::lock_guard lock(mutex_);
  const auto* e = find_locked(user_id, typed_code(code), now);
  if (e == nullptr || e->decision != state::waiting) return std::nullopt;
  return *e;
}

bool approvals::decide(std::int64_t user_id, std::string_view code, bool approve, std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto* e = find_locked(user_id, typed_code(code), now);
  if (e == nullptr || e->decision != state::waiting) return false;
  e->decision = approve ? state::approved : state::denied;
  return true;
}

std::optional<approvals::entry> approvals::take(std::string_view handle, std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(sha256(handle));
  if (it == entries_.end()) return std::nullopt;
  entry e = std::move(it->second);
  entries_.erase(it);
  if (e.expires_at <= now) return std::nullopt;
  return e;
}

std::string display_code(std::string_view code) {
  return std::string(code.substr(0, 4)) + "-" + std::string(code.substr(4));
}

std::string typed_code(std::string_view typed) {
  std::string digits;
  for (char c : typed) {
    if (c >= '0' && c <= '9') digits.push_back(c);
    else if (c != '-' && c != ' ') return {};
    if (digits.size() > approvals::code_digits) return {};
  }
  return digits.size() == approvals::code_digits ? digits : std::string();
}

}  // namespace sekisho::authd
