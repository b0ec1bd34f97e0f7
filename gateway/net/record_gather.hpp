// Encrypted TLS records on their way to the client's socket, gathered so that one write() carries several.
//
// Why: OpenSSL's socket BIO hands the kernel one record (at most 16 KiB of plaintext) per write(). A 200 KB
// response left as 13 writes, each through the whole TCP send path and each a wake-up for the client; gathered,
// at most one per 64 KiB the proxy relays (6 for one measured response; about a fifth more 200 KB responses a
// second: bench/RESULTS.md, thirteenth step).
// OpenSSL writes into this through a BIO of its own kind; tls_stream has the records of a write longer than
// one record gathered, sends them after every call into OpenSSL (or, for a write held for the next one,
// after that one's), and holds the write's completion until they have reached the kernel. A single record
// (a small response) goes straight to the socket, as before.
#pragma once
#include <openssl/bio.h>

#include <cstddef>
#include <memory>

#include <boost/system/error_code.hpp>

namespace sekisho::gateway {

using error_code = boost::system::error_code;

class record_gather {
 public:
  // Four full records with their overhead, so 64 KiB of plaintext goes in one write().
  static constexpr std::size_t capacity = 68 * 1024;

  explicit record_gather(int fd) : fd_(fd) {}
  record_gather(const record_gather&) = delete;
  record_gather& operator=(const record_gather&) = delete;

  // A write BIO for SSL_set_bio that appends here; OpenSSL owns the BIO, not this. When a record does not
  // fit, the BIO sends what is gathered first, and when the socket will not take it the BIO asks OpenSSL
  // to retry (SSL_ERROR_WANT_WRITE), which bounds the bytes held here to `capacity`.
  BIO* make_bio();

  // Whether the records OpenSSL writes next are gathered (a write of several records) or go to the socket as
  // they come, as its own socket BIO would send them (one record: nothing to gather, and no buffer to take
  // and give back for every small response).
  void set_gathering(bool on) { gathering_ = on; }

  // Sends what is gathered: true when nothing is left; false when the socket would block (`ec` clear) or
  // failed (`ec` set).
  bool send(error_code& ec);
  bool empty() const { return begin_ == end_; }
  std::size_t size() const { return end_ - begin_; }

  // Gives the buffer back while nothing is gathered (an idle connection holds none).
  void release();

 private:
  static int bio_write(BIO* bio, const char* data, std::size_t size, std::size_t* written);
  static long bio_ctrl(BIO* bio, int cmd, long num, void* ptr);
  bool append(const char* data, std::size_t size, error_code& ec);
  static std::size_t send_some(int fd, const char* data, std::size_t size, error_code& ec);

  int fd_;
  bool gathering_ = false;
  std::unique_ptr<char[]> buffer_;
  std::size_t begin_ = 0;  // [begin_, end_) is gathered and not yet sent
  std::size_t end_ = 0;
};

}  // namespace sekisho::gateway
