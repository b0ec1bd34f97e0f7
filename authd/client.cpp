#include "authd/client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "authd/frame.hpp"
#include "authd/unix_address.hpp"

namespace sekisho::authd {
namespace {

// Waits for a non-blocking connect: a unix listener with a full backlog makes connect wait.
result<void> finish_connect(int fd, std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return make_error("timed out connecting to authd");
    pollfd p{fd, POLLOUT, 0};
    const int rc = ::poll(&p, 1, static_cast<int>(left.count()));
    if (rc < 0 && errno == EINTR) continue;
    if (rc < 0) return make_error(std::string("poll: ") + std::strerror(errno));
    if (rc == 0) continue;
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    if (err != 0) return make_error(std::string("connect: ") + std::strerror(err));
    return {};
  }
}

}  // namespace

result<client> client::connect(const std::filesystem::path& socket, std::chrono::milliseconds timeout) {
  sockaddr_un addr{};
  if (!make_unix_address(socket, addr)) return make_error(socket.string() + ": socket path is empty or too long");

  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return make_error(std::string("socket: ") + std::strerror(errno));
  client c(fd, timeout);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    if (errno != EAGAIN && errno != EINPROGRESS)
      return make_error(socket.string() + ": cannot connect to authd: " + std::strerror(errno));
    if (auto r = finish_connect(fd, timeout); !r) return make_error(socket.string() + ": " + r.message());
  }
  return c;
}

client::client(client&& other) noexcept : fd_(other.fd_), timeout_(other.timeout_) { other.fd_ = -1; }

client& client::operator=(client&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = other.fd_;
    timeout_ = other.timeout_;
    other.fd_ = -1;
  }
  return *this;
}

client::~client() { close(); }

void client::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

result<nlohmann::json> client::call(const nlohmann::json& request) {
  if (fd_ < 0) return make_error("not connected to authd");
  const auto until = std::chrono::steady_clock::now() + timeout_;
  std::string frame = encode_frame(request);
  if (frame.size() - frame_header_bytes > max_frame_bytes) {
    wipe_string(frame);
    return make_error("request larger than authd's frame limit");
  }
  auto written = write_frame(fd_, frame, until);
  wipe_string(frame);  // it may hold a password
  if (!written) {
    close();
    return make_error("sending to authd: " + written.message());
  }

  secret body;
  switch (read_frame(fd_, until, body)) {
    case read_status::complete: break;
    case read_status::timed_out: close(); return make_error("authd did not answer in time");
    case read_status::closed: close(); return make_error("authd closed the connection");
    case read_status::too_large:
    case read_status::malformed: close(); return make_error("authd sent a malformed reply");
    case read_status::failed: close(); return make_error("reading from authd failed");
  }
  auto reply = parse_json_object(body.view());
  if (!reply || !reply->contains("ok") || !(*reply)["ok"].is_boolean()) {
    close();
    return make_error("authd sent a malformed reply");
  }
  return reply;
}

}  // namespace sekisho::authd
