// Blocking frame I/O with a deadline: poll(2) before every read or write, so a silent or
// slow peer costs at most the time left, whichever way the socket's O_NONBLOCK is set.
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "authd/frame.hpp"

namespace sekisho::authd {
namespace {

enum class wait_result { ready, timed_out, failed };

wait_result wait_for(int fd, short events, deadline when) {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(when - std::chrono::steady_clock::now());
    if (left.count() <= 0) return wait_result::timed_out;
    pollfd p{fd, events, 0};
    // Round up so we do not spin on a sub-millisecond remainder.
    const int rc = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count() + 1, 60'000)));
    if (rc > 0) return wait_result::ready;  // readable, writable, or HUP/ERR: the call says which
    if (rc == 0) continue;                  // re-check the clock
    if (errno != EINTR) return wait_result::failed;
  }
}

// Reads exactly `n` bytes into `out`. Returns complete, closed, timed_out or failed.
read_status read_exact(int fd, char* out, std::size_t n, deadline when) {
  std::size_t got = 0;
  while (got < n) {
    switch (wait_for(fd, POLLIN, when)) {
      case wait_result::ready: break;
      case wait_result::timed_out: return read_status::timed_out;
      case wait_result::failed: return read_status::failed;
    }
    const ssize_t r = ::recv(fd, out + got, n - got, MSG_DONTWAIT);
    if (r > 0) {
      got += static_cast<std::size_t>(r);
    } else if (r == 0) {
      return read_status::closed;
    } else if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
      return errno == ECONNRESET ? read_status::closed : read_status::failed;
    }
  }
  return read_status::complete;
}

}  // namespace

read_status read_frame(int fd, deadline when, secret& body) {
  char header[frame_header_bytes];
  if (auto s = read_exact(fd, header, sizeof header, when); s != read_status::complete) return s;
  const decoded_frame d = decode_frame(std::string_view(header, sizeof header));
  if (d.status == frame_status::too_large) return read_status::too_large;
  if (d.status == frame_status::malformed) return read_status::malformed;
  body.resize(d.frame_size - frame_header_bytes);  // at most max_frame_bytes: checked above
  return read_exact(fd, body.data(), body.size(), when);
}

result<void> write_frame(int fd, std::string_view frame, deadline when) {
  std::size_t sent = 0;
  while (sent < frame.size()) {
    switch (wait_for(fd, POLLOUT, when)) {
      case wait_result::ready: break;
      case wait_result::timed_out: return make_error("timed out writing to the peer");
      case wait_result::failed: return make_error(std::string("poll: ") + std::strerror(errno));
    }
    const ssize_t w = ::send(fd, frame.data() + sent, frame.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (w >= 0) {
      sent += static_cast<std::size_t>(w);
    } else if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
      return make_error(std::string("send: ") + std::strerror(errno));
    }
  }
  return {};
}

}  // namespace sekisho::authd
