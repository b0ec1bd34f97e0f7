// WebAuthn assertion verifications per second on one thread, ES256: a valid assertion and one with a
// tampered signature (both go through client data, authData and the signature check).
// Goal: ≥ 5000/s on one core. Usage: webauthn_bench   (exit status 2 when below the goal)
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "core/util/digest.hpp"
#include "core/util/encoding.hpp"
#include "core/webauthn/assertion.hpp"

namespace {

using namespace sekisho;
using namespace sekisho::webauthn;
using clock_type = std::chrono::steady_clock;

constexpr auto run_time = std::chrono::seconds(3);

struct fixture {
  std::string challenge = std::string(32, '\x2a');
  std::string spki;
  std::string client_data;
  std::string auth_data;
  std::string signature;
};

// An ES256 key, and an assertion by it as a browser would send it.
fixture make_fixture() {
  fixture f;
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  unsigned char* der = nullptr;
  const int n = i2d_PUBKEY(key, &der);
  f.spki.assign(reinterpret_cast<char*>(der), static_cast<std::size_t>(n));
  OPENSSL_free(der);
  f.client_data = R"({"type":"webauthn.get","challenge":")" + base64url_encode(f.challenge) +
                  R"(","origin":"https://gw.hospital.example","crossOrigin":false})";
  f.auth_data = sha256("hospital.example") + std::string("\x05\x00\x00\x00\x01", 5);  // UP UV, count 1
  const std::string signed_data = f.auth_data + sha256(f.client_data);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::size_t len = 0;
  const auto* m = reinterpret_cast<const unsigned char*>(signed_data.data());
  EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key);
  EVP_DigestSign(ctx, nullptr, &len, m, signed_data.size());
  f.signature.resize(len);
  EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(f.signature.data()), &len, m, signed_data.size());
  f.signature.resize(len);
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  return f;
}

// Verifies for about run_time; verifications per second, or −1 if an outcome was not the expected one.
double measure(const fixture& f, std::string_view signature, bool expect_ok) {
  const relying_party rp{"hospital.example", {"https://gw.hospital.example"}};
  const stored_credential stored{"cred", cose_alg::es256, f.spki, 0, false};
  const assertion_options options{f.challenge, user_verification::required};
  const assertion_response response{"cred", f.client_data, f.auth_data, signature};
  long count = 0;
  const auto start = clock_type::now();
  auto elapsed = clock_type::duration::zero();
  while (elapsed < run_time) {
    for (int i = 0; i < 64; ++i)
      if (verify_assertion(rp, options, stored, response).ok() != expect_ok) return -1;
    count += 64;
    elapsed = clock_type::now() - start;
  }
  return static_cast<double>(count) / std::chrono::duration<double>(elapsed).count();
}

}  // namespace

int main() {
  const fixture f = make_fixture();
  std::string tampered = f.signature;
  tampered[tampered.size() / 2] ^= 1;
  const double ok = measure(f, f.signature, true);
  const double bad = measure(f, tampered, false);
  if (ok < 0 || bad < 0) {
    std::fputs("webauthn_bench: verify_assertion gave an unexpected result\n", stderr);
    return 1;
  }
  std::printf("webauthn_assertions_per_sec_valid %.0f\n", ok);
  std::printf("webauthn_assertions_per_sec_bad_signature %.0f\n", bad);
  std::printf("(goal \u2265 5000/s on one core, ES256)\n");
  return ok >= 5000 && bad >= 5000 ? 0 : 2;
}
