#include "gateway/net/tls_stream.hpp"

#include <cerrno>

#include <boost/asio/ssl/error.hpp>
#include <openssl/err.h>

namespace sekisho::gateway {

tls_stream::tls_stream(tcp_socket socket, asio::ssl::context& context)
    : io_(std::make_shared<io_state>(std::move(socket))) {
  io_->ssl = SSL_new(context.native_handle());
  error_code ec;
  io_->socket.non_blocking(true, ec);
  BIO* in = io_->ssl ? BIO_new_socket(static_cast<int>(io_->socket.native_handle()), BIO_NOCLOSE) : nullptr;
  BIO* out = in ? io_->records.make_bio() : nullptr;
  if (!out || ec) {
    BIO_free(in);
    io_->socket.close(ec);  // every operation then fails at once
    return;
  }
  SSL_set_bio(io_->ssl, in, out);
  SSL_set_accept_state(io_->ssl);
  // Read whatever the socket has (a whole request, usually) in one read() rather than a record header
  // and then its body in two.
  SSL_set_read_ahead(io_->ssl, 1);
  // The record buffers (about 34 KiB) are given back when the stream waits for the client (release_buffers),
  // so an idle connection holds none; SSL_MODE_RELEASE_BUFFERS gave them back after every record, and a busy
  // connection allocated and freed both for each request.
  SSL_clear_mode(io_->ssl, SSL_MODE_RELEASE_BUFFERS);
}

void tls_stream::release_buffers() {
  if (io_->ssl) (void)SSL_free_buffers(io_->ssl);  // refused, harmlessly, while they hold unread or unsent bytes
  io_->records.release();
}

tls_stream::~tls_stream() { close(); }

tls_stream::io_state::~io_state() {
  if (ssl) SSL_free(ssl);  // and its BIOs; they do not own the descriptor: `socket` closes it
}

void tls_stream::close() {
  error_code ec;
  io_->socket.close(ec);
  for (auto& t : io_->timers) t.cancel();
}

tls_stream::step_result tls_stream::outcome(int ret, std::size_t bytes) {
  if (ret > 0) return step_result::done(bytes);
  switch (SSL_get_error(io_->ssl, ret)) {
    case SSL_ERROR_WANT_READ: return step_result::wait_for(tcp_socket::wait_read);
    case SSL_ERROR_WANT_WRITE: return step_result::wait_for(tcp_socket::wait_write);
    case SSL_ERROR_ZERO_RETURN: return step_result::failed(asio::error::eof);  // the peer's close_notify
    case SSL_ERROR_SYSCALL:
      if (const auto e = ERR_get_error()) return step_result::failed(error_code(static_cast<int>(e), asio::error::get_ssl_category()));
      if (errno != 0) return step_result::failed(error_code(errno, boost::system::system_category()));
      return step_result::failed(asio::ssl::error::stream_truncated);
    default: {
      const auto e = ERR_get_error();
      // OpenSSL 3 reports a close without close_notify as an error; it is a truncated stream, not an attack.
      if (ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING) return step_result::failed(asio::ssl::error::stream_truncated);
      return step_result::failed(e ? error_code(static_cast<int>(e), asio::error::get_ssl_category())
                                   : error_code(asio::error::fault));
    }
  }
}

// After every call into OpenSSL: its records go to the kernel before the stream waits for the client (who
// may be waiting for them) and before a write completes (the caller may close the socket next). A read
// that got bytes returns them at once; what it left unsent goes with the next call.
tls_stream::step_result tls_stream::send_records(direction d, step_result r) {
  if (r.ec) return r;
  // (A write finished by OpenSSL but not yet sent, written_unsent, is never held: its caller waits for it.)
  if (d == direction::write && !r.wait && io_->hold_records && !io_->written_unsent) {
    io_->hold_records = false;  // the next write sends them
    return r;
  }
  error_code ec;
  if (io_->records.send(ec)) {
    if (d == direction::write) io_->written_unsent.reset();
    return r;
  }
  if (ec) return step_result::failed(ec);
  if (d == direction::read && !r.wait) return r;
  if (d == direction::write && !r.wait) io_->written_unsent = r.bytes;
  return step_result::wait_for(tcp_socket::wait_write);
}

// Runs while the operation waits for the socket: past the deadline the socket is closed, which ends the
// wait, and after_wait() turns that into a timeout.
void tls_stream::arm_timer(direction d) {
  const auto i = static_cast<int>(d);
  if (io_->deadline == clock::time_point::max()) return;
  auto& timer = io_->timers[i];
  timer.expires_at(io_->deadline);
  timer.async_wait([io = io_, i, generation = io_->generation[i]](error_code ec) {
    if (ec || io->generation[i] != generation) return;  // the wait ended first
    io->timed_out = true;
    io->socket.close(ec);
  });
}

error_code tls_stream::after_wait(direction d, error_code ec) {
  const auto i = static_cast<int>(d);
  ++io_->generation[i];
  io_->timers[i].cancel();
  if (io_->timed_out) return beast::error::timeout;
  return ec;
}

}  // namespace sekisho::gateway
