#include "cli/local_ca.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <memory>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

namespace sekisho::cli {
namespace {

namespace fs = std::filesystem;

using pkey_ptr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using x509_ptr = std::unique_ptr<X509, decltype(&X509_free)>;

constexpr long day = 24 * 3600;

bool is_address(const std::string& host) {
  unsigned char buf[16];
  return ::inet_pton(AF_INET, host.c_str(), buf) == 1 || ::inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

pkey_ptr new_key() { return pkey_ptr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), EVP_PKEY_free); }

// A new file with `mode`, refused when it exists (O_EXCL) or is a symlink.
std::unique_ptr<FILE, decltype(&std::fclose)> create_file(const fs::path& path, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  return {fd < 0 ? nullptr : ::fdopen(fd, "w"), std::fclose};
}

bool add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) return false;
  const bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

// An unsigned certificate: random serial, validity from an hour ago (clock skew) for `days`, subject CN.
x509_ptr new_certificate(EVP_PKEY* key, const std::string& common_name, long days) {
  x509_ptr cert(X509_new(), X509_free);
  unsigned char serial[16];
  if (!cert || RAND_bytes(serial, sizeof serial) != 1) return {nullptr, X509_free};
  serial[0] &= 0x7f;  // positive
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  const bool ok = bn != nullptr && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get())) != nullptr &&
                  X509_set_version(cert.get(), 2) == 1 && X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) &&
                  X509_gmtime_adj(X509_getm_notAfter(cert.get()), days * day) &&
                  X509_set_pubkey(cert.get(), key) == 1 &&
                  X509_NAME_add_entry_by_txt(X509_get_subject_name(cert.get()), "CN", MBSTRING_UTF8,
                                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                                             0) == 1;
  BN_free(bn);
  return ok ? std::move(cert) : x509_ptr(nullptr, X509_free);
}

result<void> write_pair(X509* cert, EVP_PKEY* key, const fs::path& cert_path, const fs::path& key_path) {
  {
    auto f = create_file(key_path, 0600);
    if (!f || PEM_write_PrivateKey(f.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
      return make_error(key_path.string() + ": cannot write (it may exist already)");
  }
  auto f = create_file(cert_path, 0644);
  if (!f || PEM_write_X509(f.get(), cert) != 1) return make_error(cert_path.string() + ": cannot write");
  return {};
}

template <class T, class Free>
std::unique_ptr<T, Free> read_pem(const fs::path& path, T* (*reader)(FILE*, T**, pem_password_cb*, void*), Free free) {
  std::unique_ptr<FILE, decltype(&std::fclose)> f(std::fopen(path.c_str(), "re"), std::fclose);
  return {f ? reader(f.get(), nullptr, nullptr, nullptr) : nullptr, free};
}

}  // namespace

result<void> create_local_ca(const fs::path& cert_path, const fs::path& key_path, const std::string& name) {
  auto key = new_key();
  if (!key) return make_error("cannot make a key for the local CA");
  auto cert = new_certificate(key.get(), name, 3650);
  if (!cert || X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get())) != 1 ||
      !add_extension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0") ||
      !add_extension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign") ||
      !add_extension(cert.get(), cert.get(), NID_subject_key_identifier, "hash") ||
      X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0)
    return make_error("cannot make the local CA certificate");
  return write_pair(cert.get(), key.get(), cert_path, key_path);
}

result<void> issue_server_certificate(const fs::path& ca_cert, const fs::path& ca_key,
                                      const std::vector<std::string>& hosts, const fs::path& cert_path,
                                      const fs::path& key_path) {
  if (hosts.empty()) return make_error("no host name for the server certificate");
  auto issuer = read_pem<X509>(ca_cert, PEM_read_X509, X509_free);
  auto issuer_key = read_pem<EVP_PKEY>(ca_key, PEM_read_PrivateKey, EVP_PKEY_free);
  if (!issuer || !issuer_key) return make_error(ca_cert.string() + ": cannot read the local CA (certificate or key)");
  auto key = new_key();
  if (!key) return make_error("cannot make a key for the server certificate");
  std::string names;
  for (const auto& h : hosts) names += (names.empty() ? "" : ",") + std::string(is_address(h) ? "IP:" : "DNS:") + h;
  auto cert = new_certificate(key.get(), hosts.front(), 825);
  if (!cert || X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer.get())) != 1 ||
      !add_extension(cert.get(), issuer.get(), NID_basic_constraints, "critical,CA:FALSE") ||
      !add_extension(cert.get(), issuer.get(), NID_key_usage, "critical,digitalSignature") ||
      !add_extension(cert.get(), issuer.get(), NID_ext_key_usage, "serverAuth") ||
      !add_extension(cert.get(), issuer.get(), NID_subject_alt_name, names) ||
      !add_extension(cert.get(), issuer.get(), NID_subject_key_identifier, "hash") ||
      !add_extension(cert.get(), issuer.get(), NID_authority_key_identifier, "keyid") ||
      X509_sign(cert.get(), issuer_key.get(), EVP_sha256()) <= 0)
    return make_error("cannot make the server certificate for " + names);
  return write_pair(cert.get(), key.get(), cert_path, key_path);
}

}  // namespace sekisho::cli
