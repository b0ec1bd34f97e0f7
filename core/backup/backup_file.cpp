#include "core/backup/backup_file.hpp"

#include <sodium.h>

#include <cstdlib>

namespace sekisho::backup {
namespace {

constexpr std::size_t chunk_size = 64 * 1024;
constexpr std::size_t salt_size = crypto_pwhash_SALTBYTES;
constexpr std::size_t stream_header_size = crypto_secretstream_xchacha20poly1305_HEADERBYTES;
constexpr std::size_t header_size = backup_magic.size() + 4 + 4 + salt_size + stream_header_size;
constexpr std::size_t key_size = crypto_secretstream_xchacha20poly1305_KEYBYTES;
// A file names its own Argon2id cost; these bounds keep a crafted one from exhausting the machine.
constexpr std::uint32_t max_opslimit = 16;
constexpr std::uint32_t max_memlimit_kib = 1024 * 1024;  // 1 GiB, libsodium's "sensitive"

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

void put_be32(std::string& out, std::uint32_t v) {
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
std::uint32_t get_be32(std::string_view in) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(in[static_cast<std::size_t>(i)]);
  return v;
}

void ensure_sodium() {
  if (sodium_init() < 0) std::abort();  // no usable randomness or CPU features: nothing safe to do
}

// Argon2id over the passphrase; false only when libsodium cannot get the memory.
bool derive_key(secret& key, const secret& passphrase, std::string_view salt, kdf_params kdf) {
  key.resize(key_size);
  return crypto_pwhash(reinterpret_cast<unsigned char*>(key.data()), key_size, passphrase.view().data(),
                       passphrase.size(), bytes(salt), kdf.opslimit, std::size_t{kdf.memlimit_kib} * 1024,
                       crypto_pwhash_ALG_ARGON2ID13) == 0;
}

kdf_params kdf_of(std::string_view file) {
  return {get_be32(file.substr(backup_magic.size())), get_be32(file.substr(backup_magic.size() + 4))};
}

error changed() { return make_error("wrong passphrase, or the backup file was changed or damaged"); }

}  // namespace

kdf_params default_kdf() {
  return {crypto_pwhash_OPSLIMIT_MODERATE, static_cast<std::uint32_t>(crypto_pwhash_MEMLIMIT_MODERATE / 1024)};
}
kdf_params cheapest_kdf() {
  return {crypto_pwhash_OPSLIMIT_MIN, static_cast<std::uint32_t>(crypto_pwhash_MEMLIMIT_MIN / 1024)};
}

std::string encrypt_backup(std::string_view payload, const secret& passphrase, kdf_params kdf) {
  ensure_sodium();
  std::string out(backup_magic);
  put_be32(out, kdf.opslimit);
  put_be32(out, kdf.memlimit_kib);
  std::string salt(salt_size, '\0');
  randombytes_buf(salt.data(), salt.size());
  out += salt;
  secret key;
  if (passphrase.empty() || !derive_key(key, passphrase, salt, kdf)) std::abort();  // callers pass sane values
  crypto_secretstream_xchacha20poly1305_state st;
  out.resize(header_size);
  crypto_secretstream_xchacha20poly1305_init_push(&st, bytes(out) + header_size - stream_header_size, key.bytes());
  const std::string header = out;
  for (std::size_t at = 0;;) {  // an empty payload is one empty FINAL chunk
    const std::size_t n = std::min(chunk_size, payload.size() - at);
    const bool last = at + n == payload.size();
    const std::size_t clen = n + crypto_secretstream_xchacha20poly1305_ABYTES;
    put_be32(out, static_cast<std::uint32_t>(clen));
    const std::size_t pos = out.size();
    out.resize(pos + clen);
    crypto_secretstream_xchacha20poly1305_push(
        &st, bytes(out) + pos, nullptr, bytes(payload) + at, n, bytes(header), header.size(),
        last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
    at += n;
    if (last) break;
  }
  sodium_memzero(&st, sizeof st);
  return out;
}

result<void> check_backup_header(std::string_view file) {
  if (file.size() < backup_magic.size() || file.substr(0, 15) != backup_magic.substr(0, 15))
    return make_error("not a Sekisho backup (no SEKISHO-BACKUP header)");
  if (file.substr(0, backup_magic.size()) != backup_magic)
    return make_error("a backup format this version of Sekisho does not know (expected " +
                      std::string(backup_magic.substr(0, backup_magic.size() - 1)) + ")");
  if (file.size() < header_size) return make_error("the backup file is truncated");
  const kdf_params kdf = kdf_of(file);
  if (kdf.opslimit < crypto_pwhash_OPSLIMIT_MIN || kdf.opslimit > max_opslimit ||
      kdf.memlimit_kib < crypto_pwhash_MEMLIMIT_MIN / 1024 || kdf.memlimit_kib > max_memlimit_kib)
    return make_error("the backup file names Argon2id parameters out of bounds: it was changed or damaged");
  return {};
}

result<secret> decrypt_backup(std::string_view file, const secret& passphrase) {
  ensure_sodium();
  if (auto r = check_backup_header(file); !r) return r.err();
  const kdf_params kdf = kdf_of(file);
  const std::string_view header = file.substr(0, header_size);
  secret key;
  if (!derive_key(key, passphrase, header.substr(backup_magic.size() + 8, salt_size), kdf))
    return make_error("not enough memory for the backup's Argon2id parameters");
  crypto_secretstream_xchacha20poly1305_state st;
  if (crypto_secretstream_xchacha20poly1305_init_pull(&st, bytes(header.substr(header_size - stream_header_size)),
                                                      key.bytes()) != 0)
    return changed();
  secret plain;
  std::size_t at = header_size, out = 0;
  bool final = false;
  while (!final) {
    if (file.size() - at < 4) return make_error("the backup file is truncated");
    const std::size_t clen = get_be32(file.substr(at));
    at += 4;
    if (clen < crypto_secretstream_xchacha20poly1305_ABYTES ||
        clen > chunk_size + crypto_secretstream_xchacha20poly1305_ABYTES)
      return changed();
    if (file.size() - at < clen) return make_error("the backup file is truncated");
    const std::size_t n = clen - crypto_secretstream_xchacha20poly1305_ABYTES;
    plain.resize(out + n);
    unsigned char tag = 0;
    if (crypto_secretstream_xchacha20poly1305_pull(&st, reinterpret_cast<unsigned char*>(plain.data()) + out,
                                                   nullptr, &tag, bytes(file) + at, clen, bytes(header),
                                                   header.size()) != 0)
      return changed();
    at += clen;
    out += n;
    final = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
  }
  sodium_memzero(&st, sizeof st);
  if (at != file.size()) return changed();  // nothing may follow the final chunk
  return plain;
}

}  // namespace sekisho::backup
