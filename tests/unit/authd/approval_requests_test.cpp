// SSH approval by security key: the approvals kept in memory, and approval.open / .finish (the PAM module)
// and approval.show / .approve / .deny (the web page) through the real request table, with a software key.
#include "authd/approval_requests.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <tuple>

#include "core/store/user_store.hpp"
#include "tests/unit/authd/webauthn_table.hpp"

using namespace sekisho;
using namespace sekisho::authd;
using namespace sekisho::test;
using nlohmann::json;

namespace {

constexpr std::int64_t ttl = 90;
const std::string approve_url = "https://example.org/.sekisho/approve";
const std::string ssh_client = "198.51.100.20";
const json no_session = {{"ok", false}, {"error", "no_session"}};
const json not_found = answer_is("not_found");

// The WebAuthn table plus the approval requests, wired as cli/cmd_daemon.cpp does.
struct approval_table : webauthn_table {
  webauthn_services web = services();  // approval_services keeps a reference to it
  approvals open_approvals{ttl};

  approval_table() {
    cfg.pam.approve_url = approve_url;
    cfg.pam.approval_timeout = std::chrono::seconds(ttl);
    register_approval_requests(table, {cfg.pam, web, open_approvals});
  }

  // What pam_sekisho sends after the password, from sshd on db1.
  json open(const std::string& user, const std::string& password = user_password) {
    return run({{"op", "approval.open"}, {"user", user},    {"password", password}, {"channel", "ssh"},
                {"source", ssh_client},  {"service", "sshd"}, {"host", "db1.example.org"}, {"tty", "ssh"}});
  }
  // An approval opened for `user`: its handle and its code as the terminal shows it.
  std::pair<std::string, std::string> opened(const std::string& user) {
    const auto r = open(user);
    REQUIRE(r["result"] == "ok");
    return {r["handle"].get<std::string>(), r["code"].get<std::string>()};
  }
  json finish(const std::string& handle) { return run({{"op", "approval.finish"}, {"handle", handle}}); }

  // As the gateway's portal sends them (the channel is "web" when left out, as the other two show).
  json web_request(const char* op, const std::string& session, const std::string& code) {
    return run({{"op", op}, {"session", session}, {"code", code}, {"source", here}, {"channel", "web"}});
  }
  json show(const std::string& session, const std::string& code) { return web_request("approval.show", session, code); }
  json deny(const std::string& session, const std::string& code) { return web_request("approval.deny", session, code); }
  json approve(const std::string& session, const std::string& code, const json& shown, const json& assertion) {
    json req = {{"op", "approval.approve"}, {"session", session}, {"code", code}, {"handle", shown["handle"]},
                {"source", here}};
    req.update(assertion);
    return run(req);
  }
  // show, then approve with `k` over the challenge it gave.
  json approve_with(soft_key& k, const std::string& session, const std::string& code) {
    const auto shown = show(session, code);
    REQUIRE(shown["result"] == "ok");
    return approve(session, code, shown, k.assertion(shown));
  }

  int audit_count_with(const std::string& a, const std::string& b) {
    int n = 0;
    for (const auto& line : audit_lines()) n += line.find(a) != std::string::npos && line.find(b) != std::string::npos;
    return n;
  }
  // The last audit record of `event` with `result`.
  std::optional<audit::audit_record> last_record(const std::string& event, const std::string& result) {
    std::optional<audit::audit_record> found;
    auto db = pool.acquire();
    store::for_each_audit_record(*db, std::nullopt, [&](const audit::audit_record& r) {
      if (r.event == event && r.result == result) found = r;
      return true;
    });
    return found;
  }
};

// What `run` writes to stderr (authd's log), through `file`.
template <class F>
std::string stderr_of(const std::filesystem::path& file, F run) {
  std::fflush(stderr);
  const int saved = ::dup(STDERR_FILENO);
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  REQUIRE(saved >= 0);
  REQUIRE(fd >= 0);
  ::dup2(fd, STDERR_FILENO);
  ::close(fd);
  run();
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  std::ifstream in(file);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool shown_as_code(const std::string& s) {
  if (s.size() != 9 || s[4] != '-') return false;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (i != 4 && (s[i] < '0' || s[i] > '9')) return false;
  return true;
}

}  // namespace

TEST_CASE("approvals: an 8-digit code, found and decided only by its user before expiry, taken once") {
  approvals a(ttl);
  const std::int64_t t0 = 1'000;
  const auto o = a.open(7, "nurse", {"198.51.100.20", "ssh", "sshd", "db1", "ssh"}, t0);
  CHECK(typed_code(o.code) == o.code);  // 8 digits
  CHECK(shown_as_code(display_code(o.code)));
  CHECK(display_code("48213390") == "4821-3390");
  for (const char* typed : {"4821-3390", "4821 3390", "48213390"}) CHECK(typed_code(typed) == "48213390");
  for (const char* typed : {"4821-339O", "abcd-efgh", "4821-339", "4821-33901", "", "4821_3390"})
    CHECK_MESSAGE(typed_code(typed).empty(), typed);

  CHECK_FALSE(a.find_waiting(8, o.code, t0));  // another user
  CHECK_FALSE(a.decide(8, o.code, true, t0));
  REQUIRE(a.find_waiting(7, display_code(o.code), t0 + ttl - 1));
  CHECK(a.find_waiting(7, o.code, t0)->ctx.host == "db1");
  CHECK_FALSE(a.find_waiting(7, o.code, t0 + ttl));  // expired

  CHECK(a.decide(7, display_code(o.code), true, t0 + 1));
  CHECK_FALSE(a.decide(7, o.code, false, t0 + 2));  // decided once: a later "deny" does not overturn it
  CHECK_FALSE(a.find_waiting(7, o.code, t0 + 2));
  const auto taken = a.take(o.handle, t0 + 3);
  REQUIRE(taken);
  CHECK(taken->decision == approvals::state::approved);
  CHECK_FALSE(a.take(o.handle, t0 + 3));  // single use

  const auto denied_one = a.open(7, "nurse", {}, t0);
  CHECK(a.decide(7, denied_one.code, false, t0));
  CHECK_FALSE(a.decide(7, denied_one.code, true, t0));
  CHECK(a.take(denied_one.handle, t0).value().decision == approvals::state::denied);

  const auto late = a.open(7, "nurse", {}, t0);
  CHECK(a.decide(7, late.code, true, t0));
  CHECK_FALSE(a.take(late.handle, t0 + ttl));  // approved, but too late
  CHECK_FALSE(a.take("not-a-handle", t0));
}

TEST_CASE("approval.open: the password first; a user without a security key fails a counted second factor") {
  approval_table t;
  soft_key k;
  t.user_with_key("nurse", k);
  CHECK(t.open("nurse", "wrong password") == denied);
  CHECK(t.open("nobody") == denied);

  const auto r = t.open("nurse");
  CHECK(r["ok"] == true);
  CHECK(r["result"] == "ok");
  CHECK(r["handle"].get<std::string>().size() >= 32);
  CHECK(shown_as_code(r["code"].get<std::string>()));
  CHECK(r["url"] == approve_url);
  CHECK(r["expires_in"] == ttl);

  t.add_totp(t.add_user("clerk", user_password));
  for (int i = 0; i <= t.cfg.throttle.free_failures; ++i) CHECK(t.open("clerk") == answer_is("no_security_key"));
  CHECK(t.audit_count_with("login.second_factor failure", "no_security_key") == t.cfg.throttle.free_failures + 1);
  CHECK(t.open("clerk")["result"] == "throttled");  // each one counted like a wrong code
}

TEST_CASE("approval.finish: only an approved approval logs in, once, before the timeout") {
  approval_table t;
  soft_key k;
  const auto nurse = t.user_with_key("nurse", k);
  const auto session = t.session_for(nurse);

  std::string handle, code;
  std::tie(handle, code) = t.opened("nurse");
  CHECK(t.finish(handle) == denied);  // Enter pressed before anything was decided
  CHECK(t.audit_count_with("login.second_factor failure", "\"reason\":\"not_approved\"") == 1);
  CHECK(t.finish(handle) == expired);  // the handle is spent
  CHECK(t.show(session, code) == not_found);

  std::tie(handle, code) = t.opened("nurse");
  CHECK(t.approve_with(k, session, code) == answer_is("ok"));
  CHECK(t.finish(handle) == json{{"ok", true}, {"result", "ok"}, {"method", "approval"}});
  const auto success = t.last_record("login.second_factor", "success");
  REQUIRE(success);
  CHECK(success->method == "approval");
  CHECK(success->user == "nurse");
  CHECK(success->channel == "ssh");
  CHECK(success->source == ssh_client);
  for (const char* part : {"\"service\":\"sshd\"", "\"host\":\"db1.example.org\"", "\"tty\":\"ssh\"", "\"reason\":\"approved\""})
    CHECK_MESSAGE(success->details.find(part) != std::string::npos, part);
  CHECK(t.finish(handle) == expired);

  std::tie(handle, code) = t.opened("nurse");
  CHECK(t.deny(session, code) == answer_is("ok"));
  CHECK(t.finish(handle) == denied);
  CHECK(t.audit_count_with("login.second_factor failure", "\"reason\":\"denied_by_user\"") == 1);

  std::tie(handle, code) = t.opened("nurse");
  CHECK(t.approve_with(k, session, code) == answer_is("ok"));
  t.now += ttl;
  CHECK(t.finish(handle) == expired);  // approved, but the terminal came back too late

  std::tie(handle, code) = t.opened("nurse");
  t.now += ttl;
  CHECK(t.show(t.session_for(nurse), code) == not_found);
  CHECK(t.finish(handle) == expired);
}

TEST_CASE("approval.show/approve/deny: the same user's live, non-emergency session only") {
  approval_table t;
  soft_key nurse_key, doctor_key;
  const auto nurse = t.user_with_key("nurse", nurse_key);
  const auto doctor = t.user_with_key("doctor", doctor_key);
  const auto [handle, code] = t.opened("nurse");

  CHECK(t.show("not-a-session", code) == no_session);
  CHECK(t.deny("not-a-session", code) == no_session);
  const auto emergency = t.sessions.open(nurse, 2, "break_glass", here);
  CHECK(t.show(emergency, code) == answer_is("emergency_session"));
  CHECK(t.deny(emergency, code) == answer_is("emergency_session"));

  const auto doctors = t.sessions.open(doctor, 2, "totp", here);
  CHECK(t.show(doctors, code) == not_found);
  CHECK(t.deny(doctors, code) == not_found);
  const auto nurses = t.sessions.open(nurse, 2, "totp", here);
  const auto shown = t.show(nurses, code);
  CHECK(t.approve(doctors, code, shown, doctor_key.assertion(shown)) == not_found);

  // Nothing above decided it: the nurse still sees it, with where the login comes from.
  const auto again = t.show(nurses, code);
  REQUIRE(again["result"] == "ok");
  CHECK(again["approval"]["code"] == code);
  CHECK(again["approval"]["host"] == "db1.example.org");
  CHECK(again["approval"]["service"] == "sshd");
  CHECK(again["approval"]["source"] == ssh_client);
  CHECK(again["approval"]["tty"] == "ssh");
  CHECK(again["approval"]["channel"] == "ssh");
  CHECK(again["approval"]["expires_in"] == ttl);
  CHECK(again["options"]["allow"] == json{b64(nurse_key.id)});
  CHECK(again["options"]["rp_id"] == "example.org");
  CHECK(t.finish(handle) == denied);
}

TEST_CASE("approval.approve: only a valid assertion over this approval's challenge approves it, once") {
  approval_table t;
  soft_key k;
  const auto nurse = t.user_with_key("nurse", k);
  const auto session = t.session_for(nurse);
  const auto [handle, code] = t.opened("nurse");

  const auto first = t.show(session, code);
  const auto second = t.show(session, code);
  CHECK(t.approve(session, code, first, k.assertion(second)) == refused("wrong_challenge"));
  CHECK(t.audit_count("approval.approve failure") == 1);
  auto forged = k.assertion(second);
  forged["signature"] = b64(soft::make_key().sign("something else"));
  CHECK(t.approve(session, code, second, forged)["result"] == "refused");
  const auto wrong_code = code.substr(0, 8) + (code[8] == '9' ? "0" : std::string(1, static_cast<char>(code[8] + 1)));
  const auto third = t.show(session, code);
  CHECK(t.approve(session, wrong_code, third, k.assertion(third)) == not_found);
  REQUIRE(t.open_approvals.find_waiting(nurse, code, t.now));  // still waiting after every refusal

  const auto fourth = t.show(session, code);
  CHECK(t.approve(session, code, fourth, k.assertion(fourth)) == answer_is("ok"));
  CHECK(t.audit_count("approval.approve success") == 1);
  CHECK(t.approve(session, code, fourth, k.assertion(fourth)) == not_found);  // already decided
  CHECK(t.deny(session, code) == not_found);                                  // and not overturned
  CHECK(t.finish(handle)["result"] == "ok");
}

TEST_CASE("approval.deny: the login fails, and the refusal is audited and logged as a warning") {
  approval_table t;
  soft_key k;
  const auto nurse = t.user_with_key("nurse", k);
  const auto session = t.session_for(nurse);
  const auto [handle, code] = t.opened("nurse");

  json reply;
  const auto deny = [&t, &session, code = code] { return t.deny(session, code); };
  const auto log = stderr_of(t.dir.path() / "stderr.txt", [&] { reply = deny(); });
  CHECK(reply == answer_is("ok"));
  CHECK(log.find("WARNING: nurse denied a sshd login to db1.example.org from " + ssh_client) != std::string::npos);
  CHECK(t.audit_count("approval.deny warning") == 1);
  CHECK(t.deny(session, code) == not_found);
  CHECK(t.show(session, code) == not_found);
  CHECK(t.finish(handle) == denied);
}

TEST_CASE("pam.approve_groups: over PAM channels a member must use approval, and the code is not spent") {
  approval_table t;
  t.cfg.pam.approve_groups = {"admins"};
  const auto admin = t.add_user("admin", user_password);
  const auto admin_seed = t.add_totp(admin);
  const auto nurse_seed = t.add_totp(t.add_user("nurse", user_password));
  {
    auto db = t.pool.acquire();
    store::set_groups(*db, admin, {"staff", "admins"});
  }
  auto combined = [&t](const std::string& user, const std::string& code, const char* channel) {
    return t.run({{"op", "login.combined"}, {"user", user}, {"password", user_password}, {"code", code},
                  {"channel", channel},     {"source", ssh_client}, {"service", "sshd"}, {"host", "db1"}});
  };

  const auto code = t.code(admin_seed);
  CHECK(combined("admin", code, "ssh") == answer_is("approve_required"));
  CHECK(combined("admin", code, "radius") == answer_is("approve_required"));
  CHECK(t.audit_count_with("login.second_factor failure", "\"reason\":\"approve_required\"") == 2);
  CHECK(combined("nurse", t.code(nurse_seed), "ssh")["result"] == "ok");  // not in the group
  {
    auto db = t.pool.acquire();
    store::set_groups(*db, admin, {"staff"});
  }
  CHECK(combined("admin", code, "ssh")["result"] == "ok");  // the same code: it was never looked at

  {
    auto db = t.pool.acquire();
    store::set_groups(*db, admin, {"admins"});
  }
  t.now += 30;
  CHECK(combined("admin", t.code(admin_seed), "cli")["result"] == "ok");
  t.now += 30;
  CHECK(combined("admin", t.code(admin_seed), "web")["result"] == "ok");
}
