#include "authd/webauthn_settings.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

namespace sekisho::authd {
namespace {

struct bio_free {
  void operator()(BIO* b) const { BIO_free(b); }
};

// Every certificate in a PEM file, as DER.
result<std::vector<std::string>> read_pem_certificates(const std::filesystem::path& path) {
  const auto where = "webauthn.trusted_roots: " + path.string() + ": ";
  std::unique_ptr<BIO, bio_free> bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) return make_error(where + "cannot read the file");
  std::vector<std::string> out;
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    unsigned char* der = nullptr;
    const int n = i2d_X509(cert, &der);
    if (n > 0) out.emplace_back(reinterpret_cast<char*>(der), static_cast<std::size_t>(n));
    OPENSSL_free(der);
    X509_free(cert);
  }
  ERR_clear_error();  // the loop ends on "no start line", which is not an error here
  if (out.empty()) return make_error(where + "no PEM certificate in it");
  return out;
}

}  // namespace

result<webauthn_settings> load_webauthn_settings(const webauthn_config& c) {
  webauthn_settings s;
  s.rp = {c.rp_id, c.origins};
  s.rp_name = c.rp_name;
  s.passkey_login = c.passkey_login;
  s.uv = c.user_verification == webauthn_user_verification::required ? webauthn::user_verification::required
                                                                      : webauthn::user_verification::preferred;
  s.attestation_required = c.attestation == webauthn_attestation::required;
  if (!s.attestation_required) return s;
  for (const auto& path : c.trusted_roots) {
    auto certs = read_pem_certificates(path);
    if (!certs) return certs.err();
    for (auto& der : *certs) s.policy.trusted_roots.push_back(std::move(der));
  }
  s.policy.allowed_aaguids = c.aaguids;
  return s;
}

}  // namespace sekisho::authd
