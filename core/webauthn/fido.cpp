#include "core/webauthn/fido.hpp"

#include <fido/eddsa.h>
#include <fido/es256.h>
#include <fido/es384.h>
#include <fido/rs256.h>

#include <mutex>

namespace sekisho::webauthn::fido {

void ensure_initialized() {
  static std::once_flag once;
  std::call_once(once, [] { fido_init(0); });
}

namespace {

// libfido2 has the same functions for each key type; this table lets one piece of code serve all four.
template <class K>
struct key_ops {
  K* (*make)();
  void (*free)(K**);
  int (*from_ptr)(K*, const void*, std::size_t);
};
constexpr key_ops<es256_pk_t> es256{es256_pk_new, es256_pk_free, es256_pk_from_ptr};
constexpr key_ops<es384_pk_t> es384{es384_pk_new, es384_pk_free, es384_pk_from_ptr};
constexpr key_ops<rs256_pk_t> rs256{rs256_pk_new, rs256_pk_free, rs256_pk_from_ptr};
constexpr key_ops<eddsa_pk_t> eddsa{eddsa_pk_new, eddsa_pk_free, eddsa_pk_from_ptr};

// A new libfido2 key read from `raw`; null when allocation or reading fails.
template <class K>
std::shared_ptr<void> make_key(const key_ops<K>& ops, std::string_view raw) {
  K* key = ops.make();
  if (key == nullptr) return nullptr;
  std::shared_ptr<void> owned(key, [free = ops.free](void* p) {
    K* k = static_cast<K*>(p);
    free(&k);
  });
  return ops.from_ptr(key, raw.data(), raw.size()) == FIDO_OK ? owned : nullptr;
}

}  // namespace

public_key public_key::from_raw(cose_alg alg, std::string_view raw) {
  public_key out;
  out.alg_ = alg;
  if (raw.empty()) return out;
  switch (alg) {
    case cose_alg::es256: out.key_ = make_key(es256, raw); break;
    case cose_alg::es384: out.key_ = make_key(es384, raw); break;
    case cose_alg::rs256: out.key_ = make_key(rs256, raw); break;
    case cose_alg::eddsa: out.key_ = make_key(eddsa, raw); break;
  }
  return out;
}

}  // namespace sekisho::webauthn::fido
