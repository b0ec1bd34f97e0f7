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

// One send() without blocking: the bytes the socket took, or 0 when it would block (`ec` clear) or failed.
std::size_t record_gather::send_some(int fd, const char* data, std::size_t size, error_code& ec) {
  ec = {};
  for (;;) {
    const auto n = ::send(fd, data, size, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) ec = error_code(errno, boost::system::system_category());
    return 0;
  }
}

bool record_gather::send(error_code& ec) {
  ec = {};
  while (begin_ < end_) {
    const auto n = send_some(fd_, buffer_.get() + begin_, end_ - begin_, ec);
    if (n == 0) return false;
    begin_ += n;
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
  error_code ec;
  *written = 0;
  if (size == 0) return 1;
  if (!self->gathering_ && self->empty())
    *written = send_some(self->fd_, data, size, ec);  // as OpenSSL's socket BIO: it sends the rest later
  else if (self->append(data, size, ec))
    *written = size;
  if (*written > 0) return 1;
  if (ec)
    errno = ec.value();  // OpenSSL reports it as SSL_ERROR_SYSCALL, which tls_stream reads errno for
  else
    BIO_set_retry_write(bio);
  return 0;
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
