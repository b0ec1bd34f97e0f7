// Creating the listening socket: what authd refuses to replace, and who may connect.
#include <sys/stat.h>
#include <sys/wait.h>

#include <doctest/doctest.h>

#include <fstream>

#include "tests/unit/authd/test_server.hpp"

using namespace sekisho;
using namespace sekisho::test;

namespace {

// A listening (or, once closed, stale) unix socket bound at `path` by someone other than authd.
int bind_plain_socket(const std::filesystem::path& path, bool listening) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  REQUIRE(authd::make_unix_address(path, addr));
  REQUIRE(::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);
  if (listening) REQUIRE(::listen(fd, 4) == 0);
  return fd;
}

}  // namespace

TEST_CASE("the socket is created mode 0660 and answers") {
  running_server s;
  struct stat st {};
  REQUIRE(::lstat(s.socket().c_str(), &st) == 0);
  CHECK(S_ISSOCK(st.st_mode));
  CHECK((st.st_mode & 07777) == 0660);
  auto c = s.connect();
  CHECK((*c.call({{"op", "ping"}}))["ok"] == true);
}

TEST_CASE("a second server on the same socket is refused while the first runs") {
  running_server first;
  authd::request_table table;
  authd::server second(first.socket(), table);
  auto r = second.listen();
  REQUIRE_FALSE(r.ok());
  CHECK(r.message().find("another authd") != std::string::npos);
  auto c = first.connect();  // and the first one still has its socket
  CHECK((*c.call({{"op", "ping"}}))["ok"] == true);
}

TEST_CASE("a socket some other program listens on is not taken over") {
  temp_dir dir;
  const auto path = dir.path() / "authd.sock";
  const int other = bind_plain_socket(path, true);
  authd::request_table table;
  authd::server s(path, table);
  auto r = s.listen();
  CHECK_FALSE(r.ok());
  ::close(other);
}

TEST_CASE("a stale socket left by a dead authd is replaced") {
  temp_dir dir;
  const auto path = dir.path() / "authd.sock";
  ::close(bind_plain_socket(path, false));  // the file stays; nothing listens
  REQUIRE(std::filesystem::exists(path));

  authd::request_table table;
  authd::register_builtin_requests(table);
  authd::server s(path, table);
  auto r = s.listen();
  REQUIRE_MESSAGE(r.ok(), r.message());
  std::thread t([&] { s.run(); });
  auto c = authd::client::connect(path, 2000ms);
  REQUIRE(c.ok());
  CHECK((*c->call({{"op", "ping"}}))["ok"] == true);
  s.stop();
  t.join();
}

TEST_CASE("a regular file at the socket path is refused and left untouched") {
  temp_dir dir;
  dir.write("authd.sock", "important data");
  authd::request_table table;
  authd::server s(dir.path() / "authd.sock", table);
  auto r = s.listen();
  REQUIRE_FALSE(r.ok());
  CHECK(r.message().find("not a socket") != std::string::npos);
  std::ifstream in(dir.path() / "authd.sock");
  std::string content((std::istreambuf_iterator<char>(in)), {});
  CHECK(content == "important data");
}

TEST_CASE("the socket file is removed when the server goes away") {
  std::filesystem::path path;
  {
    running_server s;
    path = s.socket();
    CHECK(std::filesystem::exists(path));
  }
  CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("a uid not in authd.clients is refused at accept time") {
  if (::geteuid() != 0) {
    MESSAGE("skipped: needs root to connect as another uid");
    return;
  }
  running_server s;  // admits root and its own uid only
  std::filesystem::permissions(s.dir().path(), std::filesystem::perms(0755));
  std::filesystem::permissions(s.socket(), std::filesystem::perms(0666));

  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {  // the child: become nobody, connect, expect "forbidden" then EOF
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(2);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    if (!authd::make_unix_address(s.socket(), addr)) ::_exit(3);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) ::_exit(3);
    secret body;
    if (authd::read_frame(fd, std::chrono::steady_clock::now() + 2s, body) != authd::read_status::complete)
      ::_exit(4);
    auto j = authd::parse_json_object(body.view());
    if (!j || *j != authd::error_reply("forbidden")) ::_exit(5);
    char c;
    ::_exit(::recv(fd, &c, 1, 0) == 0 ? 0 : 6);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("connecting to a socket nobody serves fails with a message naming it") {
  temp_dir dir;
  auto c = authd::client::connect(dir.path() / "authd.sock", 500ms);
  REQUIRE_FALSE(c.ok());
  CHECK(c.message().find("authd.sock") != std::string::npos);
}
