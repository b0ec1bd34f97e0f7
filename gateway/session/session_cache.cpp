#include "gateway/session/session_cache.hpp"

#include "core/util/digest.hpp"
#include "core/session/session_id.hpp"

namespace sekisho::gateway {
namespace {

constexpr std::size_t max_entries = 50000;

}  // namespace

std::optional<session_identity> identity_from_reply(const nlohmann::json& reply) {
  if (!reply.is_object() || reply.value("ok", false) != true) return std::nullopt;
  const auto user = reply.find("user");
  const auto factors = reply.find("factors");
  if (user == reply.end() || !user->is_string() || user->get_ref<const std::string&>().empty()) return std::nullopt;
  if (factors == reply.end() || !factors->is_number_integer()) return std::nullopt;
  session_identity who;
  who.user = user->get<std::string>();
  who.factors = factors->get<int>();
  who.break_glass = reply.value("method", "") == "break_glass";
  who.must_change_password = reply.value("must_change_password", false) == true;
  if (const auto name = reply.find("display_name"); name != reply.end() && name->is_string())
    who.display_name = name->get<std::string>();
  if (const auto groups = reply.find("groups"); groups != reply.end() && groups->is_array())
    for (const auto& g : *groups)
      if (g.is_string()) who.groups.push_back(g.get<std::string>());
  return who;
}

std::optional<session_cache::identity> session_cache::cached(std::string_view session_id, clock::time_point now) {
  const auto it = entries_.find(session_id);
  if (it == entries_.end()) return std::nullopt;
  const auto age = now - it->second.fetched;
  if (age >= ttl_) return std::nullopt;
  auto who = it->second.who;
  if (now >= it->second.refresh_at && !fetching_.contains(session_id)) {
    std::string id(session_id);
    asio::co_spawn(io_, complete(id, start_fetch(id), now), asio::detached);
  }
  return who;
}

awaitable<session_cache::identity> session_cache::lookup(std::string session_id, clock::time_point now) {
  if (auto known = cached(session_id, now)) co_return std::move(*known);
  if (const auto it = fetching_.find(session_id); it != fetching_.end()) {
    const auto f = it->second;  // held: the call may end and let go of it before this wakes
    error_code woken;
    co_await f->done.async_wait(with_error(woken));
    co_return f->who;
  }
  const auto f = start_fetch(session_id);
  co_await complete(session_id, f, now);
  co_return f->who;
}

void session_cache::forget(std::string_view session_id) {
  if (const auto it = entries_.find(session_id); it != entries_.end()) entries_.erase(it);
  if (const auto it = fetching_.find(session_id); it != fetching_.end()) {
    it->second->forgotten = true;
    fetching_.erase(it);
  }
}

std::shared_ptr<session_cache::fetch> session_cache::start_fetch(const std::string& session_id) {
  auto f = std::make_shared<fetch>(io_);
  fetching_.insert_or_assign(session_id, f);
  return f;
}

awaitable<void> session_cache::complete(std::string session_id, std::shared_ptr<fetch> f, clock::time_point asked) {
  nlohmann::json request;  // built outside co_await: GCC 12 miscompiles braced lists there
  request["op"] = "session.check";
  request["session"] = session_id;
  const auto reply = co_await authd_.call(request);
  if (const auto it = fetching_.find(session_id); it != fetching_.end() && it->second == f) fetching_.erase(it);
  if (reply && !f->forgotten) {
    if (auto found = identity_from_reply(*reply)) {
      found->log_tag = session::session_tag(sha256(session_id));
      f->who = std::make_shared<const session_identity>(std::move(*found));
    }
    remember(session_id, f->who, asked);
  } else if (const auto it = entries_.find(session_id); !reply && it != entries_.end()) {
    // authd unreachable: no session for whoever waited, nothing new kept; a known answer serves out its ttl.
    it->second.refresh_at = asked + retry_after_failure_;
  }
  f->done.cancel();
}

// Not kept while a temporary password must be changed: once it is, every worker lets the user through at once.
void session_cache::remember(const std::string& session_id, const identity& who, clock::time_point asked) {
  if (ttl_.count() == 0 || (who && who->must_change_password)) return;
  if (entries_.size() >= max_entries) prune(asked);
  entries_.insert_or_assign(session_id, entry{who, asked, asked + refresh_after_});
}

void session_cache::prune(clock::time_point now) {
  std::erase_if(entries_, [&](const auto& e) { return now - e.second.fetched >= ttl_; });
  if (entries_.size() >= max_entries) entries_.clear();  // a flood of live ids: start over
}

}  // namespace sekisho::gateway
