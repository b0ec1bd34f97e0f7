// The gateway's session cache against a stand-in for authd on a real Unix socket: how often authd is asked,
// what requests get while it is being asked, and that nothing is used past the ttl. And the channel under it:
// when a call is sent to authd a second time (only when authd never got the first).
#include <doctest/doctest.h>

#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <set>

#include "authd/frame.hpp"
#include "gateway/session/session_cache.hpp"
#include "tests/unit/temp_dir.hpp"

using namespace sekisho::gateway;
using namespace std::chrono_literals;
using local = asio::local::stream_protocol;

namespace {

// Counts session.check calls; answers each with `user` (or "no session" when empty), or holds every answer
// until release() while `holding`, or hangs up without an answer while `hanging_up` (as a dying authd).
class fake_authd {
 public:
  fake_authd(asio::io_context& io, const std::filesystem::path& socket)
      : io_(io), acceptor_(io, local::endpoint(socket.string())), gate_(io, steady_timer::time_point::max()) {
    asio::co_spawn(io_, accept(), asio::detached);
  }
  int checks = 0;
  int accepted = 0;  // connections
  bool holding = false;
  bool hanging_up = false;
  std::string user = "alice";
  void release() {
    holding = false;
    gate_.cancel();
  }
  // As authd does with connections left idle past its request_timeout, or all of them when it restarts.
  void close_connections() {
    for (auto* s : open_) s->close();
  }

 private:
  awaitable<void> accept() {
    for (;;) {
      error_code ec;
      auto s = co_await acceptor_.async_accept(with_error(ec));
      if (ec) co_return;
      ++accepted;
      asio::co_spawn(io_, answer(std::move(s)), asio::detached);
    }
  }
  // Not erased when the io_context destroys the frame at the end of a test: the set may be gone by then.
  awaitable<void> answer(authd_channel::socket_type s) {
    open_.insert(&s);
    co_await serve(s);
    open_.erase(&s);
  }
  awaitable<void> serve(authd_channel::socket_type& s) {
    for (;;) {
      error_code ec;
      char header[sekisho::authd::frame_header_bytes];
      co_await asio::async_read(s, asio::buffer(header), with_error(ec));
      if (ec) co_return;
      std::string body(sekisho::authd::frame_length({header, sizeof header}), '\0');
      co_await asio::async_read(s, asio::buffer(body), with_error(ec));
      if (ec) co_return;
      if (nlohmann::json::parse(body).value("op", "") == "session.check") ++checks;
      if (hanging_up) co_return;
      while (holding) co_await gate_.async_wait(with_error(ec));
      nlohmann::json reply;
      reply["ok"] = !user.empty();
      if (!user.empty()) {
        reply["user"] = user;
        reply["factors"] = 2;
      }
      const auto frame = sekisho::authd::encode_frame(reply);
      co_await asio::async_write(s, asio::buffer(frame), with_error(ec));
      if (ec) co_return;
    }
  }

  asio::io_context& io_;
  asio::basic_socket_acceptor<local, executor> acceptor_;
  steady_timer gate_;
  std::set<authd_channel::socket_type*> open_;
};

// Runs the io_context until `done` holds, for at most 5 s of real time.
template <class Done>
bool run_until(asio::io_context& io, Done done) {
  const auto give_up = std::chrono::steady_clock::now() + 5s;
  while (!done() && std::chrono::steady_clock::now() < give_up) io.run_one_for(50ms);
  return done();
}

struct lookup_result {
  bool done = false;
  session_cache::identity who;
};

void start_lookup(asio::io_context& io, session_cache& cache, const std::string& id,
                  session_cache::clock::time_point now, lookup_result& out) {
  asio::co_spawn(io, cache.lookup(id, now), [&out](std::exception_ptr e, session_cache::identity who) {
    REQUIRE_FALSE(e);
    out = {true, std::move(who)};
  });
}

std::string user_of(const std::optional<session_cache::identity>& c) {
  if (!c) return "(ask authd)";
  return *c ? (*c)->user : "(no session)";
}

struct rig {
  sekisho::test::temp_dir dir;
  asio::io_context io;
  fake_authd authd{io, dir.path() / "authd.sock"};
  gateway_metrics metrics;  // counts the calls that have ended, answered or not
  authd_channel channel{io, dir.path() / "authd.sock", 2000ms, &metrics};
  session_cache cache{io, channel, 4s};
  const session_cache::clock::time_point t0 = session_cache::clock::now();

  // session.check calls that have ended: the cache has taken in their answer (or failure) by then.
  std::uint64_t calls_ended() const {
    const auto it = metrics.authd_calls().find("session.check");
    return it == metrics.authd_calls().end() ? 0 : it->second.seconds.count;
  }

  session_cache::identity lookup(const std::string& id, session_cache::clock::duration at) {
    lookup_result r;
    start_lookup(io, cache, id, t0 + at, r);
    REQUIRE(run_until(io, [&] { return r.done; }));
    return r.who;
  }
};

awaitable<bool> answered(authd_channel& channel, const nlohmann::json& request) {
  const auto reply = co_await channel.call(request);
  co_return static_cast<bool>(reply);
}

// Calls authd through the channel `n` times at once and runs until every call has its answer.
std::vector<bool> calls_at_once(asio::io_context& io, authd_channel& channel, int n) {
  std::vector<int> outcome(static_cast<std::size_t>(n), -1);
  nlohmann::json request;  // outlives the calls, which take it by reference
  request["op"] = "session.check";
  request["session"] = "s1";
  for (auto& o : outcome) {
    asio::co_spawn(io, answered(channel, request), [&o](std::exception_ptr e, bool ok) {
      REQUIRE_FALSE(e);
      o = ok ? 1 : 0;
    });
  }
  REQUIRE(run_until(io, [&] { return std::none_of(outcome.begin(), outcome.end(), [](int o) { return o < 0; }); }));
  return {outcome.begin(), outcome.end()};
}

}  // namespace

TEST_CASE("requests that find no answer while authd is being asked share its one answer") {
  rig r;
  r.authd.holding = true;
  std::vector<lookup_result> results(20);
  for (auto& one : results) start_lookup(r.io, r.cache, "s1", r.t0, one);
  REQUIRE(run_until(r.io, [&] { return r.authd.checks == 1; }));
  r.io.run_for(100ms);  // any second call would have arrived by now
  CHECK(r.authd.checks == 1);
  for (const auto& one : results) CHECK_FALSE(one.done);

  r.authd.release();
  REQUIRE(run_until(r.io, [&] {
    return std::all_of(results.begin(), results.end(), [](const auto& one) { return one.done; });
  }));
  for (const auto& one : results) {
    REQUIRE(one.who);
    CHECK(one.who->user == "alice");
  }
  CHECK(r.authd.checks == 1);
  CHECK(user_of(r.cache.cached("s1", r.t0 + 1s)) == "alice");
}

TEST_CASE("a session in use is asked again in the background before its answer runs out, and never waits") {
  rig r;
  REQUIRE(r.lookup("s1", 0s));
  CHECK(r.authd.checks == 1);

  // Within three quarters of the ttl (4 s): the answer, and authd is not asked.
  CHECK(user_of(r.cache.cached("s1", r.t0 + 2900ms)) == "alice");
  r.io.run_for(100ms);
  CHECK(r.authd.checks == 1);

  // Past that: the same answer at once, and one call in the background however many requests see it.
  r.authd.holding = true;
  for (int i = 0; i < 5; ++i) CHECK(user_of(r.cache.cached("s1", r.t0 + 3100ms)) == "alice");
  REQUIRE(run_until(r.io, [&] { return r.authd.checks == 2; }));
  r.io.run_for(100ms);
  CHECK(r.authd.checks == 2);
  r.authd.release();
  REQUIRE(run_until(r.io, [&] { return r.calls_ended() == 2; }));

  // The new answer counts from when it was asked for (3.1 s): good until 7.1 s.
  CHECK(user_of(r.cache.cached("s1", r.t0 + 4500ms)) == "alice");
  CHECK(user_of(r.cache.cached("s1", r.t0 + 7200ms)) == "(ask authd)");
}

TEST_CASE("an answer is not used past the ttl, even while authd is slow to give a new one") {
  rig r;
  REQUIRE(r.lookup("s1", 0s));
  r.authd.holding = true;
  CHECK(user_of(r.cache.cached("s1", r.t0 + 4s)) == "(ask authd)");
  lookup_result late;
  start_lookup(r.io, r.cache, "s1", r.t0 + 4s, late);
  REQUIRE(run_until(r.io, [&] { return r.authd.checks == 2; }));
  r.io.run_for(100ms);
  CHECK_FALSE(late.done);  // it waits for authd: the old answer is too old to use
  r.authd.user = "";  // revoked meanwhile
  r.authd.release();
  REQUIRE(run_until(r.io, [&] { return late.done; }));
  CHECK_FALSE(late.who);
  CHECK(user_of(r.cache.cached("s1", r.t0 + 5s)) == "(no session)");
}

TEST_CASE("a revocation seen by a background call takes effect on the next request") {
  rig r;
  REQUIRE(r.lookup("s1", 0s));
  r.authd.user = "";
  CHECK(user_of(r.cache.cached("s1", r.t0 + 3500ms)) == "alice");  // still within the ttl
  REQUIRE(run_until(r.io, [&] { return r.authd.checks == 2; }));
  REQUIRE(run_until(r.io, [&] { return r.calls_ended() == 2; }));  // its answer is in
  CHECK(user_of(r.cache.cached("s1", r.t0 + 3600ms)) == "(no session)");
}

TEST_CASE("logging out while authd is being asked: the waiting requests get no session and nothing is kept") {
  rig r;
  r.authd.holding = true;
  lookup_result waiting;
  start_lookup(r.io, r.cache, "s1", r.t0, waiting);
  REQUIRE(run_until(r.io, [&] { return r.authd.checks == 1; }));
  r.cache.forget("s1");
  r.authd.release();
  REQUIRE(run_until(r.io, [&] { return waiting.done; }));
  CHECK_FALSE(waiting.who);
  CHECK(user_of(r.cache.cached("s1", r.t0 + 1s)) == "(ask authd)");
}

TEST_CASE("authd unreachable: no session, and nothing is kept") {
  sekisho::test::temp_dir dir;
  asio::io_context io;
  authd_channel channel{io, dir.path() / "nobody.sock", 2000ms};
  session_cache cache{io, channel, 4s};
  std::vector<lookup_result> results(3);
  const auto now = session_cache::clock::now();
  for (auto& one : results) start_lookup(io, cache, "s1", now, one);
  REQUIRE(run_until(io, [&] {
    return std::all_of(results.begin(), results.end(), [](const auto& one) { return one.done; });
  }));
  for (const auto& one : results) CHECK_FALSE(one.who);
  CHECK(user_of(cache.cached("s1", now)) == "(ask authd)");
}

TEST_CASE("when a background call fails, the next waits an eighth of the ttl, not the next request") {
  rig r;  // ttl 4 s: background calls from 3 s on, and 0.5 s after one that failed
  REQUIRE(r.lookup("s1", 0s));
  r.authd.hanging_up = true;
  CHECK(user_of(r.cache.cached("s1", r.t0 + 3100ms)) == "alice");
  REQUIRE(run_until(r.io, [&] { return r.authd.checks > 1; }));
  // The call's end (after the channel's retry on a fresh connection, if it made one).
  REQUIRE(run_until(r.io, [&] { return r.calls_ended() == 2; }));
  CHECK(r.metrics.authd_calls().at("session.check").errors == 1);
  const int after_failure = r.authd.checks;

  for (int i = 0; i < 5; ++i) CHECK(user_of(r.cache.cached("s1", r.t0 + 3500ms)) == "alice");  // within the ttl
  r.io.run_for(200ms);
  CHECK(r.authd.checks == after_failure);

  CHECK(user_of(r.cache.cached("s1", r.t0 + 3600ms)) == "alice");
  CHECK(run_until(r.io, [&] { return r.authd.checks > after_failure; }));
  r.io.run_for(200ms);
  CHECK(user_of(r.cache.cached("s1", r.t0 + 4s)) == "(ask authd)");  // the ttl still ends the old answer
}

TEST_CASE("sessions are answered separately") {
  rig r;
  REQUIRE(r.lookup("s1", 0s));
  r.authd.user = "";
  CHECK_FALSE(r.lookup("s2", 0s));
  CHECK(r.authd.checks == 2);
  CHECK(user_of(r.cache.cached("s1", r.t0 + 1s)) == "alice");
  CHECK(user_of(r.cache.cached("s2", r.t0 + 1s)) == "(no session)");
}

TEST_CASE("connections authd closed while idle: the call goes once more on one fresh connection, and is answered") {
  rig r;
  REQUIRE(calls_at_once(r.io, r.channel, 3) == std::vector<bool>{true, true, true});  // three idle connections
  REQUIRE(r.authd.accepted == 3);
  r.authd.close_connections();
  r.io.run_for(100ms);
  const int checks = r.authd.checks;
  CHECK(calls_at_once(r.io, r.channel, 1) == std::vector<bool>{true});
  CHECK(r.authd.checks == checks + 1);  // the write to the closed one failed: authd never got it
  CHECK(r.authd.accepted == 4);         // on one fresh connection
  CHECK(calls_at_once(r.io, r.channel, 1) == std::vector<bool>{true});
  CHECK(r.authd.accepted == 4);  // and the fresh one is kept
}

TEST_CASE("a call authd hangs up on is its answer: never sent again, which could run a login twice") {
  rig r;
  REQUIRE(calls_at_once(r.io, r.channel, 3) == std::vector<bool>{true, true, true});
  r.authd.hanging_up = true;
  const int checks = r.authd.checks;
  CHECK(calls_at_once(r.io, r.channel, 1) == std::vector<bool>{false});
  r.io.run_for(200ms);
  CHECK(r.authd.checks == checks + 1);
  CHECK(r.authd.accepted == 3);
}

TEST_CASE("a call that times out is not sent again: authd may still be running it") {
  sekisho::test::temp_dir dir;
  asio::io_context io;
  fake_authd authd{io, dir.path() / "authd.sock"};
  authd_channel channel{io, dir.path() / "authd.sock", 300ms};
  REQUIRE(calls_at_once(io, channel, 2) == std::vector<bool>{true, true});
  authd.holding = true;
  const auto started = std::chrono::steady_clock::now();
  CHECK(calls_at_once(io, channel, 1) == std::vector<bool>{false});
  CHECK(std::chrono::steady_clock::now() - started >= 300ms);
  io.run_for(400ms);
  CHECK(authd.checks == 3);
  authd.release();
  io.run_for(100ms);
}
