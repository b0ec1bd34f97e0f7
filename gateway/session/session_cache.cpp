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

std::optional<std::shared_ptr<const session_identity>> session_cache::cached(const std::string& session_id) const {
  const auto it = entries_.find(session_id);
  if (it == entries_.end() || std::chrono::steady_clock::now() - it->second.fetched >= ttl_) return std::nullopt;
  return it->second.who;
}

awaitable<std::shared_ptr<const session_identity>> session_cache::lookup(const std::string& session_id) {
  if (auto known = cached(session_id)) co_return std::move(*known);
  const auto now = std::chrono::steady_clock::now();
  nlohmann::json request;  // built outside co_await: GCC 12 miscompiles braced lists there
  request["op"] = "session.check";
  request["session"] = session_id;
  auto reply = co_await authd_.call(request);
  if (!reply) co_return nullptr;  // authd unreachable: no session, and nothing cached
  std::shared_ptr<const session_identity> who;
  if (auto found = identity_from_reply(*reply)) {
    found->log_tag = session::session_tag(sha256(session_id));
    who = std::make_shared<const session_identity>(std::move(*found));
  }
  // Not kept while a temporary password must be changed: once it is, every worker lets the user through at once.
  if (ttl_.count() > 0 && !(who && who->must_change_password)) {
    if (entries_.size() >= max_entries) prune(now);
    entries_[session_id] = entry{who, now};
  }
  co_return who;
}

void session_cache::prune(std::chrono::steady_clock::time_point now) {
  std::erase_if(entries_, [&](const auto& e) { return now - e.second.fetched >= ttl_; });
  if (entries_.size() >= max_entries) entries_.clear();  // a flood of live ids: start over
}

}  // namespace sekisho::gateway
