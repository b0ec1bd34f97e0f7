#include "authd/request_table.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <stdexcept>

#include "authd/allowed_clients.hpp"
#include "tests/unit/authd/test_server.hpp"

using namespace sekisho;
using namespace sekisho::authd;

namespace {

caller some_client() { return {.uid = 1234, .gid = 1234, .pid = 99, .admin = false}; }
caller an_admin() { return {.uid = 0, .gid = 0, .pid = 1, .admin = true}; }

nlohmann::json run(const request_table& t, const nlohmann::json& req, const caller& who) {
  return t.dispatch(req, who, req.dump().size());
}

}  // namespace

TEST_CASE("an admin request is forbidden to an ordinary client and answered for an admin") {
  request_table t;
  test::add_test_requests(t);
  CHECK(run(t, {{"op", "admin.only"}}, some_client()) == error_reply("forbidden"));
  CHECK(run(t, {{"op", "admin.only"}}, an_admin())["ok"] == true);
  CHECK(run(t, {{"op", "ping"}}, some_client())["ok"] == true);
}

TEST_CASE("an op not in the table is refused as unknown_request") {
  request_table t;
  test::add_test_requests(t);
  CHECK(run(t, {{"op", "user.delete"}}, an_admin()) == error_reply("unknown_request"));
  CHECK(run(t, {{"op", ""}}, an_admin()) == error_reply("unknown_request"));
}

TEST_CASE("a request above its entry's size limit never reaches the handler") {
  request_table t;
  bool called = false;
  t.add({.op = "small", .allowed = permission::client, .max_request_bytes = 64,
         .handle = [&](const nlohmann::json&, const caller&) -> nlohmann::json {
           called = true;
           return {{"ok", true}};
         }});
  CHECK(t.dispatch({{"op", "small"}}, some_client(), 65) == error_reply("request_too_large"));
  CHECK_FALSE(called);
  CHECK(t.dispatch({{"op", "small"}}, some_client(), 64)["ok"] == true);
}

TEST_CASE("store failures and other exceptions become unavailable, never a crash") {
  request_table t;
  test::add_test_requests(t);
  t.add({.op = "throws", .allowed = permission::client, .max_request_bytes = 256,
         .handle = [](const nlohmann::json&, const caller&) -> nlohmann::json { throw std::runtime_error("x"); }});
  t.add({.op = "no_ok", .allowed = permission::client, .max_request_bytes = 256,
         .handle = [](const nlohmann::json&, const caller&) -> nlohmann::json { return {{"user", "alice"}}; }});
  CHECK(run(t, {{"op", "broken"}}, some_client()) == error_reply("unavailable"));
  CHECK(run(t, {{"op", "throws"}}, some_client()) == error_reply("unavailable"));
  // A reply without "ok" is a handler bug; clients must never read it as success.
  CHECK(run(t, {{"op", "no_ok"}}, some_client()) == error_reply("unavailable"));
}

TEST_CASE("ping answers with the version") {
  request_table t;
  register_builtin_requests(t);
  const auto reply = run(t, {{"op", "ping"}}, some_client());
  CHECK(reply["ok"] == true);
  REQUIRE(reply["version"].is_string());
  CHECK_FALSE(reply["version"].get<std::string>().empty());
}

TEST_CASE("registering an op twice is caught at startup") {
  request_table t;
  register_builtin_requests(t);
  CHECK_THROWS_AS(register_builtin_requests(t), std::logic_error);
}

TEST_CASE("authd.clients names resolve to uids; an unknown name is an error naming it") {
  auto uids = resolve_client_uids({"root"});
  REQUIRE(uids.ok());
  CHECK(std::find(uids->begin(), uids->end(), 0u) != uids->end());
  CHECK(std::find(uids->begin(), uids->end(), ::geteuid()) != uids->end());

  auto bad = resolve_client_uids({"root", "no-such-user-sekisho"});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.message().find("no-such-user-sekisho") != std::string::npos);
}
