#include "pam_module/module_options.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

using namespace sekisho::pam;

namespace {

sekisho::result<module_options> parse(std::vector<std::string_view> args) { return parse_module_options(args); }

std::string error_of(std::vector<std::string_view> args) {
  auto r = parse(std::move(args));
  REQUIRE_FALSE(r);
  return r.message();
}

}  // namespace

TEST_CASE("no options: prompt mode, the password asked here, the default socket, 10 s") {
  auto o = parse({});
  REQUIRE(o);
  CHECK(o->mode == prompt_mode::prompt);
  CHECK(o->password == first_pass::ask);
  CHECK(o->socket == "/run/sekisho/authd.sock");
  CHECK(o->timeout == std::chrono::seconds(10));
  CHECK_FALSE(o->ignore_unenrolled);
  CHECK(o->ignore_group.empty());
  CHECK_FALSE(o->debug);
}

TEST_CASE("every documented option is read") {
  auto o = parse({"mode=combined", "use_first_pass", "socket=/run/sekisho/authd.sock", "timeout=3", "ignore_unenrolled",
                  "ignore_users_in=breakglass", "debug_file=/var/log/pam_sekisho.log"});
  REQUIRE(o);
  CHECK(o->mode == prompt_mode::combined);
  CHECK(o->password == first_pass::use);
  CHECK(o->socket == "/run/sekisho/authd.sock");
  CHECK(o->timeout == std::chrono::seconds(3));
  CHECK(o->ignore_unenrolled);
  CHECK(o->ignore_group == "breakglass");
  CHECK(o->debug);  // a debug file implies debug
  CHECK(o->debug_file == "/var/log/pam_sekisho.log");
  CHECK(parse({"try_first_pass"})->password == first_pass::try_);
  CHECK(parse({"mode=approve"})->mode == prompt_mode::approve);
  CHECK(parse({"debug"})->debug);
}

TEST_CASE("an unknown option or a bad value is an error naming it, so the stack fails closed") {
  CHECK(error_of({"alwaysok"}) == "unknown option alwaysok");
  CHECK(error_of({"nullok"}) == "unknown option nullok");
  CHECK(error_of({"mode=push"}) == "option mode: must be prompt, combined or approve");
  CHECK(error_of({"mode"}) == "unknown option mode");
  CHECK(error_of({"socket=authd.sock"}) == "option socket: must be an absolute path");
  CHECK(error_of({"socket="}) == "option socket: must be an absolute path");
  CHECK(error_of({"timeout=0"}) == "option timeout: must be whole seconds from 1 to 120");
  CHECK(error_of({"timeout=121"}) == "option timeout: must be whole seconds from 1 to 120");
  CHECK(error_of({"timeout=5s"}) == "option timeout: must be whole seconds from 1 to 120");
  CHECK(error_of({"timeout=-1"}) == "option timeout: must be whole seconds from 1 to 120");
  CHECK(error_of({"ignore_users_in="}) == "option ignore_users_in: needs a group name");
  CHECK(error_of({"debug_file=pam.log"}) == "option debug_file: must be an absolute path");
  CHECK(error_of({"debug=1"}) == "unknown option debug");
  CHECK(error_of({"Mode=prompt"}) == "unknown option Mode");
  // A later good option does not rescue an earlier bad one.
  CHECK(error_of({"mode=nope", "mode=prompt"}) == "option mode: must be prompt, combined or approve");
}

TEST_CASE("a remote gateway needs url, ca and token_file together") {
  auto o = parse({"url=tls://gate.clinic.example:8444", "ca=/etc/sekisho/ca.pem", "token_file=/etc/sekisho/pam-token"});
  REQUIRE(o);
  REQUIRE(o->remote);
  CHECK(o->remote->host == "gate.clinic.example");
  CHECK(o->remote->port == "8444");
  CHECK(o->remote->ca_file == "/etc/sekisho/ca.pem");
  CHECK(o->remote->token_file == "/etc/sekisho/pam-token");
  auto v6 = parse({"url=tls://[fd00::5]:8444", "ca=/c.pem", "token_file=/t"});
  REQUIRE(v6);
  CHECK(v6->remote->host == "fd00::5");
  const auto together = "options url, ca and token_file go together (all three, or none for the local socket)";
  CHECK(error_of({"url=tls://gate:8444"}) == together);
  CHECK(error_of({"url=tls://gate:8444", "ca=/c.pem"}) == together);
  CHECK(error_of({"ca=/c.pem", "token_file=/t"}) == together);
  for (const char* bad : {"url=https://gate:8444", "url=tls://gate", "url=tls://gate:0", "url=tls://gate:70000",
                          "url=tls://:8444", "url=tls://ga te:8444", "url=tls://gate:84x4", "url=tls://[fd00::5:8444"})
    CHECK_MESSAGE(error_of({bad, "ca=/c.pem", "token_file=/t"}) == "option url: must be tls://HOST:PORT", bad);
  CHECK(error_of({"url=tls://gate:8444", "ca=c.pem", "token_file=/t"}) == "option ca: must be an absolute path");
  CHECK(error_of({"url=tls://gate:8444", "ca=/c.pem", "token_file=t"}) == "option token_file: must be an absolute path");
}

TEST_CASE("every option is known to the parser and documented in pam_sekisho(8) and the README") {
  std::ifstream man_file(std::string(SEKISHO_SOURCE_DIR) + "/docs/man/pam_sekisho.8");
  std::ifstream readme_file(std::string(SEKISHO_SOURCE_DIR) + "/README.md");
  REQUIRE(man_file);
  REQUIRE(readme_file);
  std::stringstream man, readme;
  man << man_file.rdbuf();
  readme << readme_file.rdbuf();
  for (const std::string name : module_option_names) {
    CHECK_MESSAGE(man.str().find("\\fB" + name) != std::string::npos, name);
    const bool entry = man.str().find(".BR " + name) != std::string::npos || man.str().find(".BI " + name) != std::string::npos;
    CHECK_MESSAGE(entry, (name + " has no entry under OPTIONS"));
    CHECK_MESSAGE(readme.str().find("`" + name) != std::string::npos, (name + " is not in the README"));
  }
  // And the list is the parser's: an unknown name would be refused.
  const std::vector<std::string_view> valid = {"mode=approve", "use_first_pass", "try_first_pass", "socket=/s",
                                               "timeout=5", "ignore_unenrolled", "ignore_users_in=g", "debug",
                                               "debug_file=/d", "url=tls://g:1", "ca=/c", "token_file=/t"};
  CHECK(parse(valid));
  CHECK(std::size(module_option_names) == valid.size());
}
