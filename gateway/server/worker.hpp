// One I/O thread: its own io_context, its own upstream pool and its own connections, so nothing on the
// request path takes a lock. The acceptor hands sockets to workers in turn.
#pragma once
#include <atomic>
#include <memory>
#include <vector>

#include <boost/intrusive/list.hpp>

#include "gateway/net/asio.hpp"
#include "gateway/proxy/relay_buffers.hpp"
#include "gateway/proxy/upstream_pool.hpp"
#include "gateway/server/access_log.hpp"
#include "gateway/server/address_counts.hpp"
#include "gateway/server/gateway_state.hpp"
#include "gateway/server/metrics.hpp"
#include "gateway/session/authd_channel.hpp"
#include "gateway/session/session_cache.hpp"

namespace sekisho::gateway {

class worker;

// A connection waiting for its next request, listed on its worker meanwhile so that a drain can close it at
// once. Intrusive, and unlisted by its own destructor: a connection goes idle and busy again on every
// request, and that must not allocate.
struct idle_connection
    : boost::intrusive::list_base_hook<boost::intrusive::link_mode<boost::intrusive::auto_unlink>> {
  explicit idle_connection(tcp_socket& s) : socket(s) {}
  tcp_socket& socket;
};

// What every worker shares: read-mostly, thread-safe.
struct shared_services {
  access_log* log = nullptr;
  std::atomic<int> connections{0};  // open client connections, all workers
  address_counts per_address;       // the same, by client address
  std::vector<worker*> workers;     // each worker adds itself when made, before any thread runs; then read-only
};

class worker {
 public:
  worker(std::shared_ptr<const gateway_state> state, shared_services& shared);

  asio::io_context& io() { return io_; }
  shared_services& shared() { return shared_; }
  // The pool (and through it the state) a new request uses; requests keep theirs until they finish.
  std::shared_ptr<upstream_pool> pool() const { return pool_; }
  session_cache& sessions() { return sessions_; }
  authd_channel& authd() { return authd_; }
  relay_buffers& buffers() { return buffers_; }
  // This worker's counters: touch only on its own thread (gather_metrics reads them there).
  gateway_metrics& metrics() { return metrics_; }

  // Thread-safe: each posts to the worker's own thread.
  void adopt(tcp_socket socket);
  void set_state(std::shared_ptr<const gateway_state> state);
  void begin_drain();

  // Called on the worker's thread by connections waiting for their next request.
  bool draining() const { return draining_; }
  void idle(idle_connection& c) { idle_.push_back(c); }

 private:
  relay_buffers buffers_;  // before io_: outlives the coroutines that io_ destroys
  asio::io_context io_;
  shared_services& shared_;
  std::shared_ptr<upstream_pool> pool_;
  gateway_metrics metrics_;  // before authd_, which counts its calls here
  authd_channel authd_;
  session_cache sessions_;
  boost::intrusive::list<idle_connection, boost::intrusive::constant_time_size<false>> idle_;
  bool draining_ = false;
};

// Listed on the worker while waiting for the next request, so a drain can close the connection at once.
struct idle_mark : idle_connection {
  idle_mark(worker& w, tcp_socket& s) : idle_connection(s) { w.idle(*this); }
};

// Every worker's counters added up, each copied on its own thread (no lock on the request path). Runs on the
// calling worker's thread and returns there.
awaitable<gateway_metrics> gather_metrics(const shared_services& shared);

}  // namespace sekisho::gateway
