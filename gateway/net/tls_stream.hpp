// A TLS connection driven by OpenSSL directly on the socket, for the clients' side of the gateway.
//
// Why not asio::ssl::stream: it puts a BIO pair and two 17 KiB buffers of its own between OpenSSL and the
// socket, about 68 KiB per connection whether busy or idle, and copies every byte through them twice.
// Here OpenSSL reads the non-blocking socket itself, writes its records into a record_gather that the
// stream sends after every call (several records in one write(); a write held for the next one goes with
// that one's: hold_next_write), and holds no record buffer while the stream waits for the client; the
// stream only waits for the socket when OpenSSL says it must (WANT_READ / WANT_WRITE) or the kernel will
// not yet take the gathered records.
//
// It is an AsyncReadStream and AsyncWriteStream for Beast, and it is its own lowest layer with
// tcp_stream's deadline calls: expires_after() covers every operation started after it, and on
// expiry the socket is closed and the operation fails with beast::error::timeout.
#pragma once
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <openssl/ssl.h>

#include "gateway/net/asio.hpp"
#include "gateway/net/record_gather.hpp"

namespace sekisho::gateway {

class tls_stream {
  // The OpenSSL calls behind reads and writes, as the actions that operations and *_now attempts run.
  static auto ssl_read(asio::mutable_buffer b) {
    return [b](SSL* ssl, std::size_t& n) { return b.size() == 0 ? 1 : SSL_read_ex(ssl, b.data(), b.size(), &n); };
  }
  // At most 64 KiB a call, so what one call took is never more than Asio's async_write offers the retry.
  // The records of a write longer than one are gathered for one write().
  auto ssl_write(asio::const_buffer b) {
    return [b, io = io_.get()](SSL* ssl, std::size_t& n) {
      if (b.size() == 0) return 1;
      const auto size = std::min(b.size(), max_write);
      io->records.set_gathering(size > coalesce_limit || io->hold_records);
      return SSL_write_ex(ssl, b.data(), size, &n);
    };
  }

 public:
  using executor_type = tcp_socket::executor_type;
  using clock = std::chrono::steady_clock;

  // The socket must be connected; the context supplies certificates, SNI and ALPN callbacks.
  tls_stream(tcp_socket socket, asio::ssl::context& context);
  ~tls_stream();
  tls_stream(const tls_stream&) = delete;
  tls_stream& operator=(const tls_stream&) = delete;

  executor_type get_executor() { return io_->socket.get_executor(); }
  tcp_socket& socket() { return io_->socket; }
  SSL* native_handle() { return io_->ssl; }

  void expires_after(clock::duration d) { io_->deadline = clock::now() + d; }
  void expires_at(clock::time_point t) { io_->deadline = t; }
  void expires_never() { io_->deadline = clock::time_point::max(); }
  void close();

  // The server's side of the handshake.
  template <class Token>
  auto async_handshake(Token&& token) {
    return start(direction::read, [](SSL* ssl, std::size_t&) { return SSL_do_handshake(ssl); }, std::forward<Token>(token));
  }

  // Sends close_notify; does not wait for the peer's (the connection is closed next anyway).
  template <class Token>
  auto async_shutdown(Token&& token) {
    return start(direction::write, [](SSL* ssl, std::size_t&) { return SSL_shutdown(ssl) < 0 ? -1 : 1; },
                 std::forward<Token>(token));
  }

  template <class MutableBufferSequence, class Token>
  auto async_read_some(const MutableBufferSequence& buffers, Token&& token) {
    const auto b = first_nonempty(asio::buffer_sequence_begin(buffers), asio::buffer_sequence_end(buffers));
    return start(direction::read, ssl_read(b), std::forward<Token>(token));
  }

  // The same, but waiting for the socket first: for when an attempt at once (read_now) would have blocked.
  template <class Token>
  auto async_wait_and_read_some(asio::mutable_buffer b, Token&& token) {
    return start(direction::read, ssl_read(b), std::forward<Token>(token), tcp_socket::wait_read);
  }

  // One attempt at once, without waiting: the request path tries these first and waits through the
  // async operations only when OpenSSL must wait for the socket (then asio::error::would_block). A write
  // that would block must be retried with the same bytes, which the async write then does.
  std::size_t read_now(asio::mutable_buffer b, error_code& ec) {
    return now(direction::read, ssl_read(b), ec);
  }
  std::size_t write_now(asio::const_buffer b, error_code& ec) {
    return now(direction::write, ssl_write(b), ec);
  }

  // The next write is followed at once by another (a response's head and first record, then the rest of its
  // first piece): its records stay gathered and leave with the next write's, in one send() rather than two.
  // (Records that do not all fit the gather are sent as it fills, as always.)
  void hold_next_write() { io_->hold_records = true; }

  // Small buffers (a response head and a short body come as many) are gathered into one TLS record,
  // as beast::flat_stream does for asio's stream; a large first buffer is written as it is.
  template <class ConstBufferSequence, class Token>
  auto async_write_some(const ConstBufferSequence& buffers, Token&& token) {
    const auto first = first_nonempty(asio::buffer_sequence_begin(buffers), asio::buffer_sequence_end(buffers));
    const auto total = asio::buffer_size(buffers);
    if (first.size() >= coalesce_limit || first.size() == total) {
      return start(direction::write, ssl_write(first), std::forward<Token>(token));
    }
    auto gathered = std::make_shared<std::vector<char>>(std::min(total, coalesce_limit));
    asio::buffer_copy(asio::buffer(*gathered), buffers);
    return start(direction::write,
                 [gathered, write = ssl_write(asio::buffer(*gathered))](SSL* ssl, std::size_t& n) { return write(ssl, n); },
                 std::forward<Token>(token));
  }

 private:
  static constexpr std::size_t coalesce_limit = 16 * 1024;  // one TLS record
  static constexpr std::size_t max_write = 64 * 1024;       // asio's default_max_transfer_size
  enum class direction { read = 0, write = 1 };

  // Shared with pending timer handlers, so a timer that fires as the stream goes away touches nothing freed.
  struct io_state {
    explicit io_state(tcp_socket s)
        : socket(std::move(s)),
          records(static_cast<int>(socket.native_handle())),
          timers{steady_timer(socket.get_executor()), steady_timer(socket.get_executor())} {}
    ~io_state();
    tcp_socket socket;
    record_gather records;  // OpenSSL's output, not yet sent
    // A write (or shutdown) that OpenSSL finished while its records could not all be sent yet: it completes,
    // with this result, once they are; the caller retries it with the same bytes, as OpenSSL's own WANT_WRITE asks.
    std::optional<std::size_t> written_unsent;
    bool hold_records = false;  // hold_next_write()
    SSL* ssl = nullptr;
    clock::time_point deadline = clock::time_point::max();
    steady_timer timers[2];  // one per direction: a read and a write may wait at once
    unsigned generation[2] = {0, 0};
    bool timed_out = false;
  };

  // What one call into OpenSSL asks for next.
  struct step_result {
    error_code ec;
    std::size_t bytes = 0;
    std::optional<tcp_socket::wait_type> wait;  // set: wait for the socket, then call again

    static step_result done(std::size_t n) { return {{}, n, std::nullopt}; }
    static step_result failed(error_code e) { return {e, 0, std::nullopt}; }
    static step_result wait_for(tcp_socket::wait_type w) { return {{}, 0, w}; }
  };

  template <class Iterator>
  static auto first_nonempty(Iterator it, Iterator end) -> decltype(asio::buffer(*it)) {
    for (; it != end; ++it)
      if (asio::buffer_size(*it) > 0) return asio::buffer(*it);
    return {};
  }

  template <class Action>
  step_result call(Action& action, direction d) {
    // A closed socket's descriptor number may already belong to another connection: never hand it to OpenSSL.
    if (!io_->socket.is_open())
      return step_result::failed(io_->timed_out ? error_code(beast::error::timeout) : asio::error::bad_descriptor);
    if (d == direction::write && io_->written_unsent) return send_records(d, step_result::done(*io_->written_unsent));
    // SSL_get_error needs this thread's error queue empty before the call. Clearing an empty queue still
    // walks all its slots, which cost about 2 % of the gateway's instructions: look first.
    if (ERR_peek_error() != 0) ERR_clear_error();
    errno = 0;
    std::size_t n = 0;
    const int ret = action(io_->ssl, n);
    return send_records(d, outcome(ret, n));
  }
  step_result outcome(int ret, std::size_t bytes);
  step_result send_records(direction d, step_result r);
  template <class Action>
  std::size_t now(direction d, Action action, error_code& ec) {
    const auto r = call(action, d);
    ec = r.wait ? error_code(asio::error::would_block) : r.ec;
    return r.bytes;
  }
  void release_buffers();
  void arm_timer(direction d);
  error_code after_wait(direction d, error_code ec);

  // One operation: call OpenSSL, wait for the socket when it must, call again. A result that is ready at
  // once is posted, so the handler never runs inside the initiating call.
  template <class Action>
  struct operation {
    tls_stream* stream;
    Action action;
    direction dir;
    std::optional<tcp_socket::wait_type> first_wait;  // wait for the socket before the first call
    bool started = false;
    // Finished at once: completed with these once posted. (Kept as two fields rather than an optional
    // step_result, whose copy from a local GCC 12 took for a dangling pointer in Release builds.)
    bool ready = false;
    error_code ready_ec;
    std::size_t ready_bytes = 0;

    template <class Self>
    void operator()(Self& self, error_code ec = {}) {
      if (ready) return self.complete(ready_ec, ready_bytes);
      if (started) {
        ec = stream->after_wait(dir, ec);
        if (ec) return self.complete(ec, 0);
      }
      auto r = started || !first_wait ? stream->call(action, dir) : step_result::wait_for(*first_wait);
      if (r.wait) {
        if (*r.wait == tcp_socket::wait_read) stream->release_buffers();  // the client may stay away a while
        started = true;
        stream->arm_timer(dir);
        stream->io_->socket.async_wait(*r.wait, std::move(self));
        return;
      }
      if (started) return self.complete(r.ec, r.bytes);
      ready = true;
      ready_ec = r.ec;
      ready_bytes = r.bytes;
      asio::post(stream->get_executor(), std::move(self));
    }
  };

  template <class Action, class Token>
  auto start(direction d, Action action, Token&& token, std::optional<tcp_socket::wait_type> first_wait = std::nullopt) {
    return asio::async_compose<Token, void(error_code, std::size_t)>(
        operation<Action>{this, std::move(action), d, first_wait, false, false, {}, 0}, token, io_->socket);
  }

  std::shared_ptr<io_state> io_;
};

}  // namespace sekisho::gateway
