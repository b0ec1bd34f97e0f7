// The encrypted backup file: a passphrase-derived key (Argon2id) and libsodium's secretstream
// (XChaCha20-Poly1305), so a stolen backup tape or USB stick reveals nothing and any change is refused.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "core/util/result.hpp"
#include "core/util/secret.hpp"

namespace sekisho::backup {

// Format v1 (all integers big-endian):
//   "SEKISHO-BACKUP v1\n"          18 bytes, the magic and version
//   opslimit                       4 bytes  Argon2id passes
//   memlimit_kib                   4 bytes  Argon2id memory in KiB
//   salt                           16 bytes
//   secretstream header            24 bytes
//   chunks: length (4 bytes) ‖ secretstream ciphertext of ≤ 64 KiB plaintext; the last one tagged FINAL.
// The 66-byte header is the additional data of every chunk, so a changed parameter, salt or magic is
// refused even where it would derive the same key. Bytes after the FINAL chunk are refused too.
inline constexpr std::string_view backup_magic = "SEKISHO-BACKUP v1\n";

struct kdf_params {
  std::uint32_t opslimit;
  std::uint32_t memlimit_kib;
};
// What `sekisho backup` writes: libsodium's "moderate" (3 passes, 256 MiB), about a second per guess.
kdf_params default_kdf();
// The cheapest parameters a file may name (libsodium's minimum): for tests.
kdf_params cheapest_kdf();

// Encrypts `payload` under `passphrase` (non-empty).
std::string encrypt_backup(std::string_view payload, const secret& passphrase, kdf_params kdf);

// The checks that need no passphrase: magic, version, length, Argon2id parameters within bounds (so
// `sekisho restore` says "not a Sekisho backup" before asking for one).
result<void> check_backup_header(std::string_view file);

// Opens a file written by encrypt_backup. Every failure is one line: "not a Sekisho backup", "a backup
// format this version does not know", "wrong passphrase, or the file was changed or damaged",
// "the file is truncated", or parameters out of bounds (a crafted file must not make us use 100 GiB).
result<secret> decrypt_backup(std::string_view file, const secret& passphrase);

}  // namespace sekisho::backup
