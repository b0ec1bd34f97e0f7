// The client's TLS records gathered for one write(): nothing leaves before send(), all of it leaves in
// order, a full socket makes the BIO ask OpenSSL to retry (never lose or reorder bytes), a gone peer is an
// error and not a retry.
#include <doctest/doctest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "gateway/net/record_gather.hpp"

using sekisho::gateway::error_code;
using sekisho::gateway::record_gather;

namespace {

struct socket_pair {
  int ends[2] = {-1, -1};
  socket_pair() { REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, ends) == 0); }
  ~socket_pair() {
    for (int fd : ends)
      if (fd >= 0) ::close(fd);
  }
  // Everything the peer can read now.
  std::string drain() {
    std::string got;
    char b[65536];
    for (;;) {
      const auto n = ::recv(ends[1], b, sizeof b, MSG_DONTWAIT);
      if (n <= 0) return got;
      got.append(b, static_cast<std::size_t>(n));
    }
  }
};

// Record-sized pieces with distinct bytes, so lost or reordered bytes show.
std::string record(std::size_t i, std::size_t size = 16406) {
  std::string r(size, '\0');
  for (std::size_t k = 0; k < size; ++k) r[k] = static_cast<char>((i * 131 + k * 7) % 251);
  return r;
}

struct bio_deleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
using bio_ptr = std::unique_ptr<BIO, bio_deleter>;

}  // namespace

TEST_CASE("records written through the BIO leave only on send(), together and in order") {
  socket_pair sp;
  record_gather gather(sp.ends[0]);
  bio_ptr bio(gather.make_bio());
  REQUIRE(bio);
  gather.set_gathering(true);
  std::string expected;
  for (std::size_t i = 0; i < 4; ++i) {
    const auto r = record(i);
    REQUIRE(BIO_write(bio.get(), r.data(), static_cast<int>(r.size())) == static_cast<int>(r.size()));
    expected += r;
  }
  CHECK(sp.drain().empty());  // four full records gathered, none sent yet
  CHECK(BIO_wpending(bio.get()) == static_cast<long>(expected.size()));
  error_code ec;
  CHECK(gather.send(ec));
  CHECK(!ec);
  CHECK(gather.empty());
  CHECK(sp.drain() == expected);
}

TEST_CASE("a record written while not gathering goes out at once, and one written after held ones waits its turn") {
  socket_pair sp;
  record_gather gather(sp.ends[0]);
  bio_ptr bio(gather.make_bio());
  const auto one = record(0, 2100);  // a small response's single record
  REQUIRE(BIO_write(bio.get(), one.data(), static_cast<int>(one.size())) == static_cast<int>(one.size()));
  CHECK(gather.empty());
  CHECK(sp.drain() == one);

  gather.set_gathering(true);
  const auto held = record(1);
  REQUIRE(BIO_write(bio.get(), held.data(), static_cast<int>(held.size())) == static_cast<int>(held.size()));
  gather.set_gathering(false);
  const auto next = record(2, 300);
  REQUIRE(BIO_write(bio.get(), next.data(), static_cast<int>(next.size())) == static_cast<int>(next.size()));
  CHECK(sp.drain().empty());  // not ahead of the held record
  error_code ec;
  CHECK(gather.send(ec));
  CHECK(sp.drain() == held + next);
}

TEST_CASE("a full socket makes the BIO ask for a retry; after the peer reads, every byte arrives once and in order") {
  socket_pair sp;
  const int small = 4096;
  REQUIRE(::setsockopt(sp.ends[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small) == 0);
  record_gather gather(sp.ends[0]);
  bio_ptr bio(gather.make_bio());
  gather.set_gathering(true);
  std::string accepted, received;
  std::size_t i = 0;
  for (; i < 64; ++i) {  // far more than the socket and the gather can hold together
    const auto r = record(i);
    if (BIO_write(bio.get(), r.data(), static_cast<int>(r.size())) <= 0) break;
    accepted += r;
  }
  REQUIRE(i < 64);
  CHECK(BIO_should_retry(bio.get()));
  CHECK(BIO_should_write(bio.get()));
  CHECK(gather.size() <= record_gather::capacity);
  // The retry OpenSSL makes: the same record again, once the peer has read.
  const auto pending = record(i);
  for (int round = 0; round < 1000 && BIO_write(bio.get(), pending.data(), static_cast<int>(pending.size())) <= 0; ++round) {
    CHECK(BIO_should_retry(bio.get()));
    received += sp.drain();
  }
  accepted += pending;
  error_code ec;
  for (int round = 0; round < 1000 && !gather.send(ec) && !ec; ++round) received += sp.drain();
  CHECK(!ec);
  received += sp.drain();
  CHECK(received.size() == accepted.size());
  CHECK(received == accepted);
}

TEST_CASE("a peer that has gone is an error for OpenSSL to report, not a retry") {
  socket_pair sp;
  ::close(sp.ends[1]);
  sp.ends[1] = -1;
  record_gather gather(sp.ends[0]);
  bio_ptr bio(gather.make_bio());
  gather.set_gathering(true);
  const auto r = record(0, 100);
  REQUIRE(BIO_write(bio.get(), r.data(), static_cast<int>(r.size())) == 100);
  error_code ec;
  CHECK(!gather.send(ec));
  CHECK(ec == error_code(EPIPE, boost::system::system_category()));
  // With the gather full, the BIO must send first, fails the same way, and does not ask for a retry.
  const auto big = record(1);
  errno = 0;
  int result = 1;
  for (int k = 0; k < 8 && result > 0; ++k) result = BIO_write(bio.get(), big.data(), static_cast<int>(big.size()));
  CHECK(result <= 0);
  CHECK(!BIO_should_retry(bio.get()));
  CHECK(errno == EPIPE);
}
