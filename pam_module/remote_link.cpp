#include "pam_module/remote_link.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "authd/frame.hpp"
#include "core/util/root_only_file.hpp"

namespace sekisho::pam {
namespace {

using clock = std::chrono::steady_clock;
constexpr std::size_t max_token_bytes = 256;

int ms_left(clock::time_point until) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

bool wait_for(int fd, short events, clock::time_point until) {
  for (;;) {
    pollfd p{fd, events, 0};
    const int rc = ::poll(&p, 1, ms_left(until));
    if (rc < 0 && errno == EINTR) continue;
    return rc > 0;
  }
}

struct fd_closer {
  int fd = -1;
  ~fd_closer() {
    if (fd >= 0) ::close(fd);
  }
};

// A non-blocking TCP connection to the first address of `host` that answers before `until`.
result<int> connect_tcp(const remote_server& s, clock::time_point until) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int rc = ::getaddrinfo(s.host.c_str(), s.port.c_str(), &hints, &found); rc != 0)
    return make_error("cannot resolve " + s.host + ": " + ::gai_strerror(rc));
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> list(found, ::freeaddrinfo);
  std::string why = "no address";
  for (auto* a = found; a != nullptr; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0 || (errno == EINPROGRESS && wait_for(fd, POLLOUT, until))) {
      int err = 0;
      socklen_t len = sizeof err;
      if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0) return fd;
      why = std::strerror(err);
    } else {
      why = errno == EINPROGRESS ? "timed out" : std::strerror(errno);
    }
    ::close(fd);
  }
  return make_error("cannot connect to " + s.host + ":" + s.port + ": " + why);
}

std::string tls_error(SSL* ssl) {
  const long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK) return std::string("certificate not trusted: ") + X509_verify_cert_error_string(verify);
  const auto code = ERR_get_error();
  return code == 0 ? "connection closed" : ERR_reason_error_string(code) != nullptr ? ERR_reason_error_string(code)
                                                                                      : "TLS error";
}

// Runs one OpenSSL step on a non-blocking socket until it completes or `until` passes.
template <class Step>
bool drive(SSL* ssl, int fd, clock::time_point until, Step step) {
  for (;;) {
    const int rc = step();
    if (rc > 0) return true;
    const int e = SSL_get_error(ssl, rc);
    if (e == SSL_ERROR_WANT_READ) {
      if (!wait_for(fd, POLLIN, until)) return false;
    } else if (e == SSL_ERROR_WANT_WRITE) {
      if (!wait_for(fd, POLLOUT, until)) return false;
    } else {
      return false;
    }
  }
}

bool write_all(SSL* ssl, int fd, std::string_view data, clock::time_point until) {
  while (!data.empty()) {
    std::size_t n = 0;
    if (!drive(ssl, fd, until, [&] { return SSL_write_ex(ssl, data.data(), data.size(), &n); })) return false;
    data.remove_prefix(n);
  }
  return true;
}

bool read_exactly(SSL* ssl, int fd, char* out, std::size_t size, clock::time_point until) {
  while (size > 0) {
    std::size_t n = 0;
    if (!drive(ssl, fd, until, [&] { return SSL_read_ex(ssl, out, size, &n); })) return false;
    out += n;
    size -= n;
  }
  return true;
}

// A context that trusts only the pinned CA and speaks TLS 1.2 or later.
std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> client_context(const std::string& ca_file, std::string& why) {
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()), SSL_CTX_free);
  if (!ctx || SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION) != 1) {
    why = "cannot set up TLS";
    return {nullptr, SSL_CTX_free};
  }
  if (SSL_CTX_load_verify_locations(ctx.get(), ca_file.c_str(), nullptr) != 1) {
    why = "cannot read the CA file " + ca_file;
    return {nullptr, SSL_CTX_free};
  }
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  return ctx;
}

// The name or address the certificate must carry (and SNI for a name).
bool expect_host(SSL* ssl, const std::string& host) {
  in6_addr any{};
  const bool address = ::inet_pton(AF_INET, host.c_str(), &any) == 1 || ::inet_pton(AF_INET6, host.c_str(), &any) == 1;
  if (address) return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) == 1;
  // SSL_set_tlsext_host_name is a macro with a C cast; this is its call.
  return SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, const_cast<char*>(host.c_str())) == 1 &&
         SSL_set1_host(ssl, host.c_str()) == 1;
}

}  // namespace

result<secret> read_token_file(const std::string& path) {
  auto token = read_root_only_file(path, "token_file", max_token_bytes);
  if (!token) return token.err();
  auto text = token->view();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.remove_suffix(1);
  if (text.empty()) return make_error("token_file " + path + ": empty");
  return secret(text);
}

result<nlohmann::json> call_remote(const remote_server& server, const nlohmann::json& request,
                                   std::chrono::milliseconds timeout) {
  const auto until = clock::now() + timeout;
  auto fd = connect_tcp(server, until);
  if (!fd) return fd.err();
  fd_closer socket{*fd};
  std::string why;
  auto ctx = client_context(server.ca_file, why);
  if (!ctx) return make_error(why);
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(ctx.get()), SSL_free);
  if (!ssl || !expect_host(ssl.get(), server.host) || SSL_set_fd(ssl.get(), socket.fd) != 1)
    return make_error("cannot set up TLS for " + server.host);
  if (!drive(ssl.get(), socket.fd, until, [&] { return SSL_connect(ssl.get()); }))
    return make_error("TLS with " + server.host + ":" + server.port + " failed: " + tls_error(ssl.get()));

  std::string frame = authd::encode_frame(request);
  const bool sent = write_all(ssl.get(), socket.fd, frame, until);
  authd::wipe_string(frame);  // the password and the token
  if (!sent) return make_error("sending to " + server.host + ":" + server.port + " failed or timed out");
  char header[authd::frame_header_bytes];
  if (!read_exactly(ssl.get(), socket.fd, header, sizeof header, until))
    return make_error(server.host + ":" + server.port + " did not answer in time");
  const std::size_t length = authd::frame_length({header, sizeof header});
  if (length == 0 || length > authd::max_frame_bytes) return make_error(server.host + " sent a malformed reply");
  std::string body(length, '\0');
  if (!read_exactly(ssl.get(), socket.fd, body.data(), length, until))
    return make_error(server.host + ":" + server.port + " did not answer in time");
  SSL_shutdown(ssl.get());
  auto reply = authd::parse_json_object(body);
  if (!reply || !reply->contains("ok") || !(*reply)["ok"].is_boolean())
    return make_error(server.host + " sent a malformed reply");
  return reply;
}

}  // namespace sekisho::pam
