// The server under real connections: concurrency, slow and hostile clients, shutdown.
#include "authd/server.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <optional>
#include <vector>

#include "tests/unit/authd/test_server.hpp"

using namespace sekisho;
using namespace sekisho::test;
using steady = std::chrono::steady_clock;

namespace {

nlohmann::json call(authd::client& c, const nlohmann::json& req) {
  auto r = c.call(req);
  REQUIRE_MESSAGE(r.ok(), r.message());
  return *r;
}

}  // namespace

TEST_CASE("ping round trip, several requests on one persistent connection") {
  running_server s;
  auto c = s.connect();
  for (int i = 0; i < 3; ++i) {
    auto reply = call(c, {{"op", "ping"}});
    CHECK(reply["ok"] == true);
    CHECK(reply["version"].is_string());
  }
}

TEST_CASE("20 concurrent clients each doing 50 pings all get answers") {
  running_server s;
  std::atomic<int> answered{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 20; ++i)
    clients.emplace_back([&] {
      auto c = authd::client::connect(s.socket(), 5000ms);
      if (!c) return;
      for (int k = 0; k < 50; ++k) {
        auto r = c->call({{"op", "ping"}});
        if (r && (*r)["ok"] == true) ++answered;
      }
    });
  for (auto& t : clients) t.join();
  CHECK(answered.load() == 20 * 50);
}

TEST_CASE("a slow request does not delay pings on other connections") {
  running_server s;
  std::atomic<bool> sleeper_done{false};
  std::thread sleeper([&] {
    auto c = authd::client::connect(s.socket(), 2000ms);
    if (c) (void)c->call({{"op", "sleep"}});
    sleeper_done = true;
  });
  auto c = s.connect();
  std::this_thread::sleep_for(50ms);  // the sleeper is now inside its 300 ms handler
  for (int i = 0; i < 5; ++i) {
    const auto t0 = steady::now();
    CHECK(call(c, {{"op", "ping"}})["ok"] == true);
    CHECK(steady::now() - t0 < 200ms);  // behind the 300 ms sleep it would take longer
  }
  CHECK_FALSE(sleeper_done.load());  // the pings really overlapped the slow request
  sleeper.join();
}

TEST_CASE("an oversized frame gets frame_too_large and the connection is closed unread") {
  running_server s;
  for (std::uint32_t length : {65537u, 0xFFFFFFFFu}) {
    raw_connection r(s.socket());
    r.send(raw_connection::header(length));
    CHECK(r.reply() == authd::error_reply("frame_too_large"));
    CHECK(r.closed_within(1000ms));
  }
  // 64 KiB exactly is a legal frame size (the ping entry then refuses it by its own limit).
  raw_connection r(s.socket());
  std::string body = R"({"op":"ping","pad":")" + std::string(65536 - 22, 'x') + "\"}";
  REQUIRE(body.size() == 65536);
  r.send_body(body);
  CHECK(r.reply() == authd::error_reply("request_too_large"));
}

TEST_CASE("a truncated frame followed by silence is cut off after the request timeout") {
  running_server s;  // request_timeout = 1 s
  raw_connection r(s.socket());
  r.send(raw_connection::header(100) + R"({"op":"pi)");
  const auto t0 = steady::now();
  CHECK_FALSE(r.closed_within(500ms));
  CHECK(r.closed_within(2500ms));
  CHECK(steady::now() - t0 < 2500ms);

  raw_connection idle(s.socket());  // a connection that never sends is cut off as well
  CHECK(idle.closed_within(2500ms));
}

TEST_CASE("malformed requests get malformed and the connection keeps working") {
  running_server s;
  raw_connection r(s.socket());
  std::string deep = R"({"op":"ping","a":)" + std::string(20, '[') + std::string(20, ']') + "}";
  for (std::string_view bad : {std::string_view("not json"), std::string_view("[1,2,3]"),
                               std::string_view(R"({"no":"op"})"), std::string_view(R"({"op":42})"),
                               std::string_view(deep), std::string_view("{\"op\":\"p\xffing\"}")}) {
    INFO(bad);
    r.send_body(bad);
    CHECK(r.reply() == authd::error_reply("malformed"));
  }
  r.send(raw_connection::header(0));  // an empty frame
  CHECK(r.reply() == authd::error_reply("malformed"));
  r.send_body(R"({"op":"ping"})");
  CHECK(r.reply()["ok"] == true);
}

TEST_CASE("unknown ops and failing handlers get error replies and the server keeps serving") {
  running_server s;
  auto c = s.connect();
  CHECK(call(c, {{"op", "user.delete_everything"}}) == authd::error_reply("unknown_request"));
  CHECK(call(c, {{"op", "broken"}}) == authd::error_reply("unavailable"));
  CHECK(call(c, {{"op", "ping"}})["ok"] == true);
  auto other = s.connect();
  CHECK(call(other, {{"op", "ping"}})["ok"] == true);
}

TEST_CASE("connections beyond max_connections are told busy and closed") {
  auto options = running_server::quick_options();
  options.max_connections = 2;
  running_server s(options);
  std::optional<authd::client> a = s.connect();
  auto b = s.connect();
  CHECK(call(*a, {{"op", "ping"}})["ok"] == true);  // both are now being served
  CHECK(call(b, {{"op", "ping"}})["ok"] == true);

  raw_connection third(s.socket());
  CHECK(third.reply() == authd::error_reply("busy"));
  CHECK(third.closed_within(1000ms));

  a.reset();  // closing one frees a slot once the server notices the close
  bool served = false;
  for (int i = 0; i < 50 && !served; ++i) {
    auto c = s.connect();
    auto r = c.call({{"op", "ping"}});
    served = r && (*r)["ok"] == true;
    if (!served) std::this_thread::sleep_for(20ms);
  }
  CHECK(served);
}

TEST_CASE("stop() returns promptly with idle and busy connections open") {
  running_server s;
  auto idle = s.connect();
  CHECK(call(idle, {{"op", "ping"}})["ok"] == true);
  std::thread sleeper([&] {
    auto c = authd::client::connect(s.socket(), 2000ms);
    if (c) (void)c->call({{"op", "sleep"}});
  });
  std::this_thread::sleep_for(50ms);
  const auto t0 = steady::now();
  s.stop();
  CHECK(steady::now() - t0 < 1s);
  sleeper.join();
  CHECK_FALSE(idle.call({{"op", "ping"}}).ok());
}
