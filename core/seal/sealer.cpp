#include "core/seal/sealer.hpp"

#include <openssl/evp.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "core/util/random.hpp"

namespace sekisho::seal {
namespace {

constexpr unsigned char version = 0x01;
constexpr std::size_t id_size = 4, nonce_size = 12, tag_size = 16;
constexpr std::size_t header_size = 1 + id_size + nonce_size;

struct ctx_free {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }  // also cleanses the key schedule
};
using ctx_ptr = std::unique_ptr<EVP_CIPHER_CTX, ctx_free>;

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

void put_be(std::string& out, std::uint64_t v, int n) {
  for (int i = n - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

std::string additional_data(const binding& where, std::uint32_t id) {
  std::string aad("sekisho-seal-v1");
  aad.push_back('\0');
  aad.append(where.table);
  aad.push_back('\0');
  put_be(aad, static_cast<std::uint64_t>(where.row), 8);
  put_be(aad, static_cast<std::uint64_t>(where.user), 8);
  aad.push_back(static_cast<char>(version));
  put_be(aad, id, 4);
  return aad;
}

// OpenSSL failing to run AES-GCM on valid sizes means the process is broken; there is no safe fallback.
[[noreturn]] void crypto_failed() {
  std::fputs("sekisho: AES-256-GCM failed\n", stderr);
  std::abort();
}

error damaged() { return make_error("sealed value is damaged or belongs elsewhere"); }

// Prepares `ctx` for one message: cipher, key, nonce, AAD.
bool start(EVP_CIPHER_CTX* ctx, bool encrypt, const secret& key, std::string_view nonce, std::string_view aad) {
  const int enc = encrypt ? 1 : 0;
  int len = 0;
  return key.size() == master_key_size &&
         EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr, enc) == 1 &&
         EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce.size()), nullptr) == 1 &&
         EVP_CipherInit_ex(ctx, nullptr, nullptr, key.bytes(), bytes(nonce), enc) == 1 &&
         EVP_CipherUpdate(ctx, nullptr, &len, bytes(aad), static_cast<int>(aad.size())) == 1;
}

}  // namespace

std::string seal(const keyring& keys, std::string_view plaintext, const binding& where) {
  if (plaintext.size() > INT_MAX / 2) crypto_failed();  // nothing sealed is near this size
  const std::uint32_t id = keys.current_id();
  std::string out;
  out.reserve(header_size + plaintext.size() + tag_size);
  out.push_back(static_cast<char>(version));
  put_be(out, id, 4);
  out += random_bytes(nonce_size);
  const std::string_view nonce = std::string_view(out).substr(1 + id_size, nonce_size);

  ctx_ptr ctx(EVP_CIPHER_CTX_new());
  if (!ctx || !start(ctx.get(), true, keys.current(), nonce, additional_data(where, id))) crypto_failed();
  out.resize(header_size + plaintext.size() + tag_size);
  int len = 0;
  if (!plaintext.empty() && (EVP_EncryptUpdate(ctx.get(), bytes(out) + header_size, &len, bytes(plaintext),
                                               static_cast<int>(plaintext.size())) != 1 ||
                             static_cast<std::size_t>(len) != plaintext.size()))
    crypto_failed();
  if (EVP_EncryptFinal_ex(ctx.get(), bytes(out) + header_size + plaintext.size(), &len) != 1 || len != 0 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(tag_size),
                          bytes(out) + header_size + plaintext.size()) != 1)
    crypto_failed();
  return out;
}

result<secret> unseal(const keyring& keys, std::string_view sealed, const binding& where) {
  if (sealed.size() < header_size + tag_size || sealed.size() > INT_MAX / 2 ||
      static_cast<unsigned char>(sealed[0]) != version)
    return damaged();
  std::uint32_t id = 0;
  for (std::size_t i = 1; i <= id_size; ++i) id = (id << 8) | static_cast<unsigned char>(sealed[i]);
  const secret* key = keys.find(id);
  if (key == nullptr) {
    return make_error("sealed with an unknown key (id 0x" + key_id_hex(id) + ")");
  }
  const std::string_view nonce = sealed.substr(1 + id_size, nonce_size);
  const std::string_view body = sealed.substr(header_size, sealed.size() - header_size - tag_size);
  std::string tag(sealed.substr(sealed.size() - tag_size));

  ctx_ptr ctx(EVP_CIPHER_CTX_new());
  if (!ctx || !start(ctx.get(), false, *key, nonce, additional_data(where, id))) return damaged();
  secret plain;
  plain.resize(body.size());
  int len = 0;
  const bool opened =
      (body.empty() ||
       (EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &len, bytes(body),
                          static_cast<int>(body.size())) == 1 &&
        static_cast<std::size_t>(len) == body.size())) &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag_size), tag.data()) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + body.size(), &len) == 1;
  if (!opened) return damaged();  // `plain` is wiped as it goes out of scope
  return plain;
}

}  // namespace sekisho::seal
