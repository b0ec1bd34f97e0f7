#include "gateway/server/gateway_server.hpp"

#include <csignal>
#include <iostream>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/notify/service_notify.hpp"
#include "gateway/server/client_connection.hpp"
#include "gateway/server/open_files.hpp"
#include "gateway/server/pam_listener.hpp"
#include "gateway/server/redirect_listener.hpp"
#include "gateway/server/worker.hpp"

namespace sekisho::gateway {
namespace {

void say(const std::string& line) { std::cerr << "sekisho gateway: " << line << std::endl; }

result<tcp::endpoint> endpoint_of(const std::string& listen) {
  const auto colon = listen.rfind(':');
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) return make_error("gateway.listen: '" + listen + "' needs an IP address, not a name");
  return tcp::endpoint(address, static_cast<std::uint16_t>(std::stoi(listen.substr(colon + 1))));
}

result<std::unique_ptr<tcp_acceptor>> open_acceptor(asio::io_context& io, const std::string& listen) {
  auto ep = endpoint_of(listen);
  if (!ep) return ep.err();
  auto acceptor = std::make_unique<tcp_acceptor>(io);
  error_code ec;
  acceptor->open(ep->protocol(), ec);
  if (!ec) acceptor->set_option(tcp_acceptor::reuse_address(true), ec);
  if (!ec) acceptor->bind(*ep, ec);
  if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return make_error("cannot listen on " + listen + ": " + ec.message());
  return acceptor;
}

class server {
 public:
  server(std::filesystem::path config_path, std::shared_ptr<const gateway_state> state, std::unique_ptr<access_log> log)
      : config_path_(std::move(config_path)), log_(std::move(log)), signals_(control_) {
    shared_.log = log_.get();
    const auto& g = state->settings.gateway;
    const int n = g.threads > 0 ? g.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    for (int i = 0; i < n; ++i) workers_.push_back(std::make_unique<worker>(state, shared_));
    drain_timeout_ = g.drain_timeout;
  }

  result<void> listen(const gateway_config& g) {
    for (const auto& l : g.listen) {
      auto a = open_acceptor(workers_.front()->io(), l);
      if (!a) return a.err();
      if (https_port_ == 0) https_port_ = (*a)->local_endpoint().port();
      say("listening on https://" + l.substr(0, l.rfind(':')) + ":" + std::to_string((*a)->local_endpoint().port()));
      https_.push_back(std::move(*a));
    }
    for (const auto& l : g.redirect_listen) {
      auto a = open_acceptor(workers_.front()->io(), l);
      if (!a) return a.err();
      say("redirecting http://" + l.substr(0, l.rfind(':')) + ":" + std::to_string((*a)->local_endpoint().port()) +
          " to HTTPS");
      redirects_.push_back(std::move(*a));
    }
    for (const auto& l : g.pam_listen) {
      auto a = open_acceptor(workers_.front()->io(), l);
      if (!a) return a.err();
      say("PAM listener for remote servers on " + l.substr(0, l.rfind(':')) + ":" +
          std::to_string((*a)->local_endpoint().port()));
      pams_.push_back(std::move(*a));
    }
    return {};
  }

  int run() {
    for (auto& a : https_) asio::co_spawn(workers_.front()->io(), accept_loop(*a, listener::https), asio::detached);
    for (auto& a : redirects_) asio::co_spawn(workers_.front()->io(), accept_loop(*a, listener::redirect), asio::detached);
    for (auto& a : pams_) asio::co_spawn(workers_.front()->io(), accept_loop(*a, listener::pam), asio::detached);
    std::vector<std::thread> threads;
    std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
    for (auto& w : workers_) {
      guards.push_back(asio::make_work_guard(w->io()));
      threads.emplace_back([&io = w->io()] { io.run(); });
    }
    signals_.add(SIGTERM);
    signals_.add(SIGINT);
    signals_.add(SIGHUP);
    wait_for_signal();
    say("ready");
    service_notify::ready();
    feed_watchdog(service_notify::watchdog_interval());
    control_.run();
    for (auto& g : guards) g.reset();
    for (auto& w : workers_) w->io().stop();
    for (auto& t : threads) t.join();
    say("stopped");
    return 0;
  }

 private:
  enum class listener { https, redirect, pam };

  awaitable<void> accept_loop(tcp_acceptor& acceptor, listener kind) {
    for (std::size_t next = 0;; ++next) {
      auto& w = *workers_[next % workers_.size()];
      error_code ec;
      auto socket = co_await acceptor.async_accept(w.io(), with_error(ec));
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      if (ec) {  // keep serving the connections we have
        if (out_of_resources(ec)) co_await pause_accepting(ec);
        continue;
      }
      switch (kind) {
        case listener::https: w.adopt(std::move(socket)); break;
        case listener::redirect:
          asio::co_spawn(w.io(), serve_redirect(w, std::move(socket), https_port_), asio::detached);
          break;
        case listener::pam: asio::co_spawn(w.io(), serve_pam(w, std::move(socket)), asio::detached); break;
      }
    }
  }

  // Out of file descriptors (or kernel memory), accept fails at once for as long as a connection waits in
  // the backlog: without a pause this loop would spin the first worker's thread, starving its connections.
  // Said at most once a minute, so that a flood cannot fill the journal.
  awaitable<void> pause_accepting(const error_code& ec) {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_accept_warning_ >= std::chrono::minutes(1)) {
      last_accept_warning_ = now;
      say("cannot accept new connections for now (" + ec.message() + "); see gateway.max_connections");
    }
    steady_timer pause(co_await asio::this_coro::executor, std::chrono::milliseconds(100));
    error_code ignored;
    co_await pause.async_wait(with_error(ignored));
  }

  static bool out_of_resources(const error_code& ec) {
    return ec == asio::error::no_descriptors || ec == boost::system::errc::too_many_files_open_in_system ||
           ec == asio::error::no_buffer_space || ec == asio::error::no_memory;
  }

  void wait_for_signal() {
    signals_.async_wait([this](const error_code& ec, int signal) {
      if (ec) return;
      if (signal == SIGHUP) {
        service_notify::reloading();
        reload();
        service_notify::ready();
        wait_for_signal();
        return;
      }
      drain();
    });
  }

  void reload() {
    auto settings = load_config(config_path_);
    if (!settings) return say("reload refused, keeping the running config: " + settings.message());
    auto state = gateway_state::build(std::move(*settings), say);
    if (!state) return say("reload refused, keeping the running config: " + state.message());
    const auto warning = fit_open_file_limit((*state)->settings.gateway.max_connections);
    if (!warning.empty()) say(warning);
    for (auto& w : workers_) w->set_state(*state);
    say("reloaded " + config_path_.string() + " (listen addresses change only on restart)");
  }

  // systemd's watchdog, fed from the control loop: if that loop hangs, systemd restarts the gateway.
  void feed_watchdog(std::chrono::seconds every) {
    if (every.count() == 0) return;
    service_notify::watchdog();
    watchdog_.expires_after(every);
    watchdog_.async_wait([this, every](const error_code& ec) {
      if (!ec) feed_watchdog(every);
    });
  }

  void drain() {
    service_notify::stopping();
    say("stopping: no new connections; waiting up to " + std::to_string(drain_timeout_.count()) +
        " s for requests in flight");
    asio::post(workers_.front()->io(), [this] {
      for (auto& a : https_) a->close();
      for (auto& a : redirects_) a->close();
      for (auto& a : pams_) a->close();
    });
    for (auto& w : workers_) w->begin_drain();
    deadline_ = std::chrono::steady_clock::now() + drain_timeout_;
    poll_drained();
  }

  void poll_drained() {
    if (shared_.connections == 0 || std::chrono::steady_clock::now() >= deadline_) {
      if (shared_.connections > 0) say(std::to_string(shared_.connections.load()) + " connections cut at the drain deadline");
      control_.stop();
      return;
    }
    timer_.expires_after(std::chrono::milliseconds(50));
    timer_.async_wait([this](const error_code&) { poll_drained(); });
  }

  std::filesystem::path config_path_;
  std::unique_ptr<access_log> log_;
  shared_services shared_;
  std::vector<std::unique_ptr<worker>> workers_;
  std::vector<std::unique_ptr<tcp_acceptor>> https_, redirects_, pams_;
  std::uint16_t https_port_ = 0;
  asio::io_context control_{1};
  asio::signal_set signals_;
  steady_timer timer_{control_};
  steady_timer watchdog_{control_};
  std::chrono::seconds drain_timeout_{};
  std::chrono::steady_clock::time_point deadline_;
  std::chrono::steady_clock::time_point last_accept_warning_{};
};

}  // namespace

result<int> run_gateway(const std::filesystem::path& config_path, config settings) {
  auto state = gateway_state::build(std::move(settings), say);
  if (!state) return state.err();
  const auto& g = (*state)->settings.gateway;
  if (g.upstreams.empty()) say("no [[upstream]] configured: every request will be refused");
  if (g.rules.empty()) say("no [[rule]] configured: every request will be denied (deny by default)");
  if (auto warning = fit_open_file_limit(g.max_connections); !warning.empty()) say(warning);
  auto log = access_log::open(g);
  if (!log) return log.err();
  server s(config_path, *state, std::move(*log));
  if (auto ok = s.listen(g); !ok) return ok.err();
  return s.run();
}

}  // namespace sekisho::gateway
