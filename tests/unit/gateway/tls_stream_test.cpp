// The clients' TLS stream against a real OpenSSL client over loopback TCP: a write completes only once its
// records have reached the kernel, so a response written and then closed at once arrives whole, even when
// the client reads slowly and the stream had to wait for the socket.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "cli/local_ca.hpp"
#include "gateway/net/eager_io.hpp"
#include "gateway/server/tls_contexts.hpp"
#include "tests/unit/temp_dir.hpp"

using namespace sekisho::gateway;
using namespace std::chrono_literals;

namespace {

std::string pattern(std::size_t size) {
  std::string s(size, '\0');
  for (std::size_t k = 0; k < size; ++k) s[k] = static_cast<char>((k * 7 + k / 251) % 253);
  return s;
}

// A blocking OpenSSL client: connects, waits `delay` before it reads, then reads until the server closes.
// `before_reading`, given the socket, runs after the handshake and before the first read.
std::string read_all_after(unsigned short port, std::chrono::milliseconds delay,
                           const std::function<void(int)>& before_reading = {}) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const int small = 8192;  // a small receive window, so the server's socket fills and its writes must wait
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return "connect failed";
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  std::string got;
  if (SSL_connect(ssl) == 1) {
    std::this_thread::sleep_for(delay);
    if (before_reading) before_reading(fd);
    char b[16384];
    for (;;) {
      const int n = SSL_read(ssl, b, sizeof b);
      if (n <= 0) break;
      got.append(b, static_cast<std::size_t>(n));
    }
  }
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  ::close(fd);
  return got;
}

// A certificate for localhost and a listening socket on loopback.
struct tls_server {
  sekisho::test::temp_dir dir;
  std::shared_ptr<tls_contexts> contexts;
  asio::io_context io;
  tcp_acceptor acceptor{io.get_executor(), tcp::endpoint(asio::ip::address_v4::loopback(), 0)};
  unsigned short port = acceptor.local_endpoint().port();

  tls_server() {
    const auto d = dir.path();
    REQUIRE(sekisho::cli::create_local_ca(d / "ca.pem", d / "ca.key", "test CA"));
    REQUIRE(sekisho::cli::issue_server_certificate(d / "ca.pem", d / "ca.key", {"localhost"}, d / "server.pem",
                                                   d / "server.key"));
    auto loaded = tls_contexts::load({{{"localhost"}, d / "server.pem", d / "server.key"}});
    REQUIRE(loaded);
    contexts = std::move(*loaded);
  }
};

}  // namespace

TEST_CASE("a large response written and then closed at once reaches a slow reader whole") {
  tls_server server;
  auto& io = server.io;
  auto& acceptor = server.acceptor;
  const auto body = pattern(3 * 1024 * 1024 + 12345);  // many gathers' worth, not a multiple of a record

  bool written = false;
  error_code write_ec;
  asio::co_spawn(io, [&]() -> awaitable<void> {
    auto socket = co_await acceptor.async_accept(use_awaitable);
    const int small = 16384;  // and a small send buffer: the gathered records cannot all go at once
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    tls_stream stream(std::move(socket), server.contexts->initial());
    stream.expires_after(20s);
    error_code ec;
    co_await stream.async_handshake(with_error(ec));
    if (ec) co_return;
    // The request path's way: in pieces of the relay's size, each tried at once and awaited when it must.
    for (std::size_t at = 0; at < body.size() && !write_ec; at += 65536)
      co_await write_all(stream, asio::buffer(body.data() + at, std::min<std::size_t>(65536, body.size() - at)),
                         io_clock::now() + 20s, write_ec);
    written = true;
    stream.close();  // no close_notify, no wait: whatever the stream still held would be lost here
  }, asio::detached);

  std::string got;
  std::thread client([&] { got = read_all_after(server.port, 300ms); });
  io.run_for(30s);
  client.join();
  CHECK(written);
  CHECK(!write_ec);
  CHECK(got.size() == body.size());
  CHECK(got == body);
}

TEST_CASE("a held write's records wait for the next write and leave with it") {
  tls_server server;
  const auto body = pattern(64 * 1024);
  const auto first = std::string_view(body).substr(0, 16 * 1024 + 200);  // a head and one record, as body_writer
  const auto rest = std::string_view(body).substr(first.size());

  std::atomic<bool> held{false};
  std::atomic<bool> checked{false};
  bool arrived_early = true;
  error_code write_ec;
  asio::co_spawn(server.io, [&]() -> awaitable<void> {
    auto socket = co_await server.acceptor.async_accept(use_awaitable);
    tls_stream stream(std::move(socket), server.contexts->initial());
    SSL_set_num_tickets(stream.native_handle(), 0);  // after the handshake, nothing but the writes below
    stream.expires_after(20s);
    error_code ec;
    co_await stream.async_handshake(with_error(ec));
    if (ec) co_return;
    stream.hold_next_write();
    co_await write_all(stream, asio::buffer(first.data(), first.size()), io_clock::now() + 20s, write_ec);
    held = true;
    steady_timer pause(server.io);
    for (int i = 0; !checked && i < 2000; ++i) {  // the client looks for bytes meanwhile (10 s at most)
      pause.expires_after(5ms);
      co_await pause.async_wait(use_awaitable);
    }
    co_await write_all(stream, asio::buffer(rest.data(), rest.size()), io_clock::now() + 20s, write_ec);
    stream.close();
  }, asio::detached);

  std::string got;
  std::thread client([&] {
    got = read_all_after(server.port, 0ms, [&](int fd) {
      for (int i = 0; !held && i < 10000; ++i) std::this_thread::sleep_for(1ms);
      pollfd p{fd, POLLIN, 0};
      arrived_early = ::poll(&p, 1, 200) > 0;
      checked = true;
    });
  });
  server.io.run_for(30s);
  client.join();
  CHECK(!arrived_early);  // the held write sent nothing of its own…
  CHECK(!write_ec);
  CHECK(got == body);     // …and its bytes left, in order, with the next write's
}
