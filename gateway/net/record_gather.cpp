#include "gateway/net/record_gather.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace sekisho::gateway {

BIO* record_gather::make_bio() {
  static BIO_METHOD* const method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "sekisho record gather");
    if (m && (BIO_meth_set_write_ex(m, bio_write) != 1 || BIO_meth_set_ctrl(m, bio_ctrl) != 1)) {
      BIO_meth_free(m);
      m = nullptr;
    }
    return m;
  }();
  BIO* bio = method ? BIO_new(method) : nullptr;
  if (!bio) return nullptr;
  BIO_set_data(bio, this);
  BIO_set_init(bio, 1);
  return bio;
}

bool record_gather::send(error_code& ec) {
  ec = {};
  while (begin_ < end_) {
    const auto n = ::send(fd_, buffer_.get() + begin_, end_ - begin_, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) ec = error_code(errno, boost::system::system_category());
      return false;
    }
    begin_ += static_cast<std::size_t>(n);
  }
  begin_ = end_ = 0;
  return true;
}

void record_gather::release() {
  if (empty()) buffer_.reset();
}

bool record_gather::append(const char* data, std::size_t size, error_code& ec) {
  ec = {};
  if (size > capacity) {  // OpenSSL's records are at most 16 KiB and some bytes: not one of them
    ec = error_code(EMSGSIZE, boost::system::system_category());
    return false;
  }
  if (end_ + size > capacity && !send(ec)) return false;
  if (!buffer_) buffer_ = std::make_unique_for_overwrite<char[]>(capacity);
  std::memcpy(buffer_.get() + end_, data, size);
  end_ += size;
  return true;
}

int record_gather::bio_write(BIO* bio, const char* data, std::size_t size, std::size_t* written) {
  BIO_clear_retry_flags(bio);
  auto* self = static_cast<record_gather*>(BIO_get_data(bio));
  if (!self->gathering_ && self->empty()) return send_at_once(bio, self->fd_, data, size, written);
  error_code ec;
  if (self->append(data, size, ec)) {
    *written = size;
    return 1;
  }
  if (ec)
    errno = ec.value();  // OpenSSL reports it as SSL_ERROR_SYSCALL, which tls_stream reads errno for
  else
    BIO_set_retry_write(bio);
  return 0;
}

// What OpenSSL's socket BIO does: as much as the socket takes now (OpenSSL sends the rest later), or a retry.
int record_gather::send_at_once(BIO* bio, int fd, const char* data, std::size_t size, std::size_t* written) {
  for (;;) {
    const auto n = ::send(fd, data, size, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n >= 0) {
      *written = static_cast<std::size_t>(n);
      return 1;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) BIO_set_retry_write(bio);
    return 0;
  }
}

long record_gather::bio_ctrl(BIO* bio, int cmd, long, void*) {
  switch (cmd) {
    // OpenSSL flushes after a handshake flight; tls_stream sends after every call into OpenSSL anyway.
    case BIO_CTRL_FLUSH: return 1;
    case BIO_CTRL_WPENDING: return static_cast<long>(static_cast<record_gather*>(BIO_get_data(bio))->size());
    default: return 0;
  }
}

}  // namespace sekisho::gateway
