// The accept loop and the per-connection request loop. Socket creation is in server_socket.cpp.
#include "authd/server.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "authd/frame.hpp"
#include "authd/log.hpp"
#include "authd/peer_credentials.hpp"

namespace sekisho::authd {
namespace {

// Refusals are written by the accept loop itself; a fresh socket's buffer is empty, so this
// only waits if something is badly wrong, and then not for long.
constexpr auto refusal_write_time = std::chrono::milliseconds(100);

nlohmann::json answer(const request_table& table, std::string_view body, const caller& who) {
  auto request = parse_request_body(body);
  if (!request) return error_reply("malformed");
  nlohmann::json reply = table.dispatch(*request, who, body.size());
  wipe_json(*request);
  return reply;
}

}  // namespace

server::server(std::filesystem::path socket_path, const request_table& table, server_options options)
    : path_(std::move(socket_path)), table_(table), options_(std::move(options)) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0) {
    wake_read_ = fds[0];
    wake_write_ = fds[1];
  }
  options_.allowed_uids.push_back(0);
  options_.allowed_uids.push_back(::geteuid());
}

void server::stop() {
  stopping_.store(true);
  if (wake_write_ >= 0) {
    const char byte = 1;
    ssize_t ignored = ::write(wake_write_, &byte, 1);  // a full pipe already wakes run()
    (void)ignored;
  }
}

void server::run() {
  while (!stopping_.load()) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_read_, POLLIN, 0}};
    // The timeout only bounds how long finished threads wait to be joined.
    const int rc = ::poll(fds, 2, 1000);
    reap_finished();
    if (rc < 0 && errno != EINTR) {
      log_line(std::string("poll: ") + std::strerror(errno));
      break;
    }
    if (rc > 0 && (fds[1].revents & POLLIN) != 0) break;
    if (rc > 0 && (fds[0].revents & POLLIN) != 0) accept_one();
  }
  close_all();
}

void server::accept_one() {
  const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd < 0) {
    if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
      log_line(std::string("accept: ") + std::strerror(errno));
      ::usleep(100'000);  // the connection stays in the backlog; do not spin on it
    }
    return;  // EAGAIN, ECONNABORTED, EINTR: nothing to do
  }
  auto who = peer_credentials(fd);
  if (!who) {
    log_line(who.message());
    ::close(fd);
    return;
  }
  const auto& allowed = options_.allowed_uids;
  if (std::find(allowed.begin(), allowed.end(), who->uid) == allowed.end()) {
    log_line("refused a connection from uid " + std::to_string(who->uid) + " (not in authd.clients)");
    refuse(fd, "forbidden");
    return;
  }

  std::lock_guard lock(mutex_);
  const auto active = std::count_if(connections_.begin(), connections_.end(),
                                    [](const connection& c) { return !c.finished; });
  if (active >= options_.max_connections) {
    refuse(fd, "busy");
    return;
  }
  connection& c = connections_.emplace_back();
  c.fd = fd;
  try {
    c.thread = std::thread([this, &c, w = *who] { serve(c, w); });
  } catch (const std::system_error& e) {
    log_line(std::string("cannot start a connection thread: ") + e.what());
    ::close(fd);
    connections_.pop_back();
  }
}

void server::refuse(int fd, const char* error) {
  std::string frame = encode_frame(error_reply(error));
  (void)write_frame(fd, frame, std::chrono::steady_clock::now() + refusal_write_time);
  ::close(fd);
}

void server::serve(connection& c, caller who) {
  const int fd = c.fd;  // stays open until this thread closes it below
  for (;;) {
    secret body;
    const read_status status = read_frame(fd, std::chrono::steady_clock::now() + options_.request_timeout, body);
    nlohmann::json reply;
    bool keep_open = true;
    if (status == read_status::complete) {
      reply = answer(table_, body.view(), who);
    } else if (status == read_status::malformed) {
      reply = error_reply("malformed");  // an empty frame: the stream is still in step
    } else if (status == read_status::too_large) {
      reply = error_reply("frame_too_large");  // the body is unread, so the stream is lost
      keep_open = false;
    } else {
      break;  // closed, timed out, or failed
    }
    std::string frame = encode_frame(reply);
    wipe_json(reply);
    if (frame.size() - frame_header_bytes > max_frame_bytes) {
      log_line("a reply to uid " + std::to_string(who.uid) + " exceeded the frame limit (a bug)");
      wipe_string(frame);
      frame = encode_frame(error_reply("unavailable"));
    }
    auto written = write_frame(fd, frame, std::chrono::steady_clock::now() + options_.request_timeout);
    wipe_string(frame);
    if (!written || !keep_open) break;
  }
  std::lock_guard lock(mutex_);
  ::close(c.fd);
  c.fd = -1;
  c.finished = true;
}

void server::reap_finished() {
  std::list<connection> done;
  {
    std::lock_guard lock(mutex_);
    for (auto it = connections_.begin(); it != connections_.end();) {
      auto next = std::next(it);
      if (it->finished) done.splice(done.end(), connections_, it);
      it = next;
    }
  }
  for (auto& c : done) c.thread.join();  // each has finished or is returning from serve()
}

void server::close_all() {
  {
    std::lock_guard lock(mutex_);
    // Wakes every connection blocked in poll; a handler already running finishes first.
    for (auto& c : connections_)
      if (c.fd >= 0) ::shutdown(c.fd, SHUT_RDWR);
  }
  // Only this thread adds or removes list nodes, so walking it unlocked is safe.
  for (auto& c : connections_) c.thread.join();
  connections_.clear();
}

}  // namespace sekisho::authd
