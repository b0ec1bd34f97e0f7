#include "gateway/session/authd_channel.hpp"

#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "authd/frame.hpp"

namespace sekisho::gateway {
namespace {

constexpr std::size_t max_idle = 4;

// Closes the socket when the deadline passes, which ends whatever operation is waiting on it. An expiry
// already queued when the watchdog ends must not touch the socket, which may be gone by then.
class watchdog {
 public:
  watchdog(asio::io_context& io, authd_channel::socket_type& s, std::chrono::milliseconds after)
      : timer_(io, after), armed_(std::make_shared<bool>(true)) {
    timer_.async_wait([&s, armed = armed_](const error_code& ec) {
      if (!ec && *armed) s.close();
    });
  }
  ~watchdog() {
    *armed_ = false;
    timer_.cancel();
  }

 private:
  steady_timer timer_;
  std::shared_ptr<bool> armed_;
};

// The encoded request, wiped when the call ends: a login's frame holds the password and the code.
struct wiped_frame {
  std::string text;
  ~wiped_frame() { authd::wipe_string(text); }
};

}  // namespace

authd_channel::authd_channel(asio::io_context& io, std::filesystem::path socket, std::chrono::milliseconds timeout,
                             gateway_metrics* metrics)
    : io_(io), path_(std::move(socket)), timeout_(timeout), metrics_(metrics) {}

awaitable<result<nlohmann::json>> authd_channel::call(const nlohmann::json& request) {
  const wiped_frame wiped{authd::encode_frame(request)};
  const auto started = std::chrono::steady_clock::now();
  auto reply = co_await exchange(wiped.text);
  if (metrics_ != nullptr) {
    const auto op = request.find("op");
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    metrics_->record_authd_call(op != request.end() && op->is_string() ? op->get_ref<const std::string&>() : "?",
                                took.count(), static_cast<bool>(reply));
  }
  co_return reply;
}

// The newest idle connection first. authd closes a connection left idle past its request_timeout, and all of
// them when it restarts; then the request cannot be written (EPIPE: authd never read it), and it goes once
// more on a fresh connection, the other idle ones dropped as likely closed too. Any other failure is the
// call's answer: after a timeout or a hang-up authd may have run the request, and a login run twice would
// count twice toward the account's lockout (and a retry would add load to an authd already too slow).
awaitable<result<nlohmann::json>> authd_channel::exchange(const std::string& frame) {
  if (!idle_.empty()) {
    auto s = std::move(idle_.back());
    idle_.pop_back();
    bool unsent = false;
    auto reply = co_await call_on(*s, frame, unsent);
    if (reply && idle_.size() < max_idle) idle_.push_back(std::move(s));
    if (reply || !unsent) co_return reply;
    idle_.clear();
  }
  auto s = std::make_unique<socket_type>(io_);
  error_code ec;
  {
    watchdog w(io_, *s, timeout_);
    co_await s->async_connect(asio::local::stream_protocol::endpoint(path_.string()), with_error(ec));
  }
  if (ec) co_return make_error("cannot reach authd at " + path_.string() + ": " + ec.message());
  bool unsent = false;
  auto reply = co_await call_on(*s, frame, unsent);
  if (reply && idle_.size() < max_idle) idle_.push_back(std::move(s));
  co_return reply;
}

awaitable<result<nlohmann::json>> authd_channel::call_on(socket_type& s, const std::string& frame, bool& unsent) {
  watchdog w(io_, s, timeout_);
  error_code ec;
  const auto written = co_await asio::async_write(s, asio::buffer(frame), with_error(ec));
  unsent = written == 0 && (ec == asio::error::broken_pipe || ec == asio::error::connection_reset);
  if (ec) co_return make_error("authd: " + ec.message());
  unsigned char header[authd::frame_header_bytes];
  co_await asio::async_read(s, asio::buffer(header), with_error(ec));
  if (ec) co_return make_error("authd: " + ec.message());
  const std::size_t length = authd::frame_length({reinterpret_cast<const char*>(header), sizeof header});
  if (length == 0 || length > authd::max_frame_bytes) co_return make_error("authd: bad reply frame");
  std::string body(length, '\0');
  co_await asio::async_read(s, asio::buffer(body), with_error(ec));
  if (ec) co_return make_error("authd: " + ec.message());
  co_return authd::parse_json_object(body);
}

}  // namespace sekisho::gateway
