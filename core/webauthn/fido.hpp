// libfido2 objects owned by RAII, and our keys in libfido2's key types.
#pragma once
#include <fido.h>

#include <memory>
#include <string_view>

#include "core/webauthn/types.hpp"

namespace sekisho::webauthn::fido {

// fido_init(0) once per process (LF-P-13); never FIDO_DEBUG, which would log key material.
void ensure_initialized();

struct cred_deleter {
  void operator()(fido_cred_t* c) const { fido_cred_free(&c); }
};
struct assert_deleter {
  void operator()(fido_assert_t* a) const { fido_assert_free(&a); }
};
using cred_ptr = std::unique_ptr<fido_cred_t, cred_deleter>;
using assert_ptr = std::unique_ptr<fido_assert_t, assert_deleter>;

// A public key as libfido2 wants it (es256_pk_t, es384_pk_t, rs256_pk_t or eddsa_pk_t) together with
// its COSE algorithm, so fido_assert_verify never gets a key of another type (LF-A-08).
class public_key {
 public:
  // From libfido2's raw form (see raw_public_key; fido_cred_pubkey_ptr/len); empty when libfido2 refuses
  // it (it checks that EC points are on their curve).
  static public_key from_raw(cose_alg alg, std::string_view raw);

  explicit operator bool() const { return key_ != nullptr; }
  int cose() const { return static_cast<int>(alg_); }
  const void* ptr() const { return key_.get(); }

 private:
  cose_alg alg_ = cose_alg::es256;
  std::shared_ptr<void> key_;
};

}  // namespace sekisho::webauthn::fido
