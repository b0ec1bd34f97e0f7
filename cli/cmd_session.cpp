// `sekisho session …`: the web sessions authd holds. A session is named by its tag, the first 16 hex digits
// of the SHA-256 of its id: the same tag the gateway's access log writes as "session", so a line in the
// log leads to the session that made it, and to its end.
#include <algorithm>
#include <cctype>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "cli/admin_context.hpp"
#include "cli/command.hpp"
#include "core/session/session_id.hpp"
#include "core/store/session_store.hpp"
#include "core/util/encoding.hpp"
#include "core/util/local_time.hpp"

namespace sekisho::cli {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t min_tag_length = 8;

std::string tag_of(const store::session_row& s) { return session::session_tag(s.id_hash); }

// Live while neither deadline has passed (authd checks the same two on every request).
bool live(const admin_context& ctx, const store::session_row& s) {
  const auto now = ctx.now();
  return now < s.expires_at && now - s.last_seen_at < ctx.cfg.session.idle_timeout.count();
}

int run_list(const args& a, const fs::path& config_path) {
  auto ctx = admin_context::open(config_path, false);
  if (!ctx) return fail(ctx.message());
  const auto user = a.get("--user");
  std::cout << std::left << std::setw(18) << "SESSION" << std::setw(16) << "USER" << std::setw(10) << "METHOD"
            << std::setw(18) << "SOURCE" << std::setw(18) << "SINCE" << std::setw(18) << "LAST SEEN" << "STATE\n";
  int shown = 0;
  for (const auto& s : store::list_sessions(ctx->db)) {
    if (!user.empty() && s.user != user) continue;
    const bool alive = live(*ctx, s) && !s.user_disabled;
    if (!alive && !a.has("--all")) continue;
    std::cout << std::setw(18) << tag_of(s) << std::setw(16) << s.user << std::setw(10) << s.method << std::setw(18)
              << s.source << std::setw(18) << local_minute(s.created_at) << std::setw(18) << local_minute(s.last_seen_at)
              << (alive ? "live" : "ended") << "\n";
    ++shown;
  }
  if (shown == 0) std::cout << "(no sessions / セッションはありません)\n";
  return exit_ok;
}

// Ends one session (by tag, at least 8 hex digits, matching exactly one) or every session of --user.
int run_revoke(const args& a, const fs::path& config_path) {
  auto ctx = admin_context::open(config_path, false);
  if (!ctx) return fail(ctx.message());
  const auto user = a.get("--user");
  std::string tag = a.positional.empty() ? "" : a.positional[0];
  if (tag.empty() == user.empty()) return fail("name one session (its tag from `sekisho session list`) or --user NAME");
  std::transform(tag.begin(), tag.end(), tag.begin(), [](char c) { return static_cast<char>(std::tolower(c)); });
  const bool hex = std::all_of(tag.begin(), tag.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
  if (!tag.empty() && (tag.size() < min_tag_length || tag.size() > session::session_tag_length || !hex))
    return fail("'" + tag + "' is not a session tag: 8 to 16 hex digits from `sekisho session list`");
  std::vector<store::session_row> chosen;
  for (const auto& s : store::list_sessions(ctx->db))
    if (user.empty() ? tag_of(s).starts_with(tag) : s.user == user) chosen.push_back(s);
  if (!tag.empty() && chosen.size() != 1)
    return fail(chosen.empty() ? "no session with tag " + tag : "tag " + tag + " matches several sessions: give more digits");
  if (!user.empty() && !ctx->require_user(user)) return exit_failed;
  store::transaction tx(ctx->db);
  for (const auto& s : chosen) {
    store::delete_session(ctx->db, s.id_hash);
    ctx->audit("session.revoke", s.user, "success", "\"session\":\"" + tag_of(s) + "\"");
  }
  tx.commit();
  std::cout << chosen.size() << " session(s) ended / セッションを終了しました（" << chosen.size()
            << " 件）. The gateway stops admitting them within gateway.session_cache_ttl.\n";
  return exit_ok;
}

}  // namespace

std::vector<command> session_commands() {
  return {
      {"session list", "list the web sessions that are live (--all: ended ones too)", "[--user NAME] [--all]",
       {{"--user"}, {"--all"}, 0, 0}, run_list},
      {"session revoke", "end a web session at once (by its tag), or every session of a user",
       "TAG | --user NAME\n\nTAG: the first 8-16 hex digits shown by `sekisho session list` (the access log's "
       "\"session\").",
       {{"--user"}, {}, 0, 1}, run_revoke},
  };
}

}  // namespace sekisho::cli
