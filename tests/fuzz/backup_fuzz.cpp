// A backup file arrives on a USB stick or a tape, and `sekisho restore` parses it before and after the
// passphrase: the header checks, the decryption, and the contents inside. A crafted file must be refused
// with a message, never crash, and never make the machine spend more than the format's bounds allow.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/backup/backup_contents.hpp"
#include "core/backup/backup_file.hpp"

namespace {

using namespace sekisho;

std::uint32_t be32(std::string_view s) {
  std::uint32_t v = 0;
  for (unsigned char c : s.substr(0, 4)) v = (v << 8) | c;
  return v;
}

void check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const secret passphrase(std::string_view("correct horse battery staple"));
  const auto cheapest = backup::cheapest_kdf();

  // The contents parser, on bytes as they would come out of a decrypted file: what it accepts packs back
  // to something it reads the same way.
  if (auto c = backup::unpack_contents(input)) {
    auto again = backup::unpack_contents(backup::pack_contents(*c).view());
    check(again && again->database.view() == c->database.view() &&
          again->master_key.view() == c->master_key.view() && again->retired_keys.size() == c->retired_keys.size() &&
          again->audit_key.view() == c->audit_key.view());
  }

  // The file as found. Decryption runs only at the cheapest Argon2id cost, so that each input stays fast.
  if (backup::check_backup_header(input)) {
    const auto header = input.substr(backup::backup_magic.size());
    if (be32(header) == cheapest.opslimit && be32(header.substr(4)) == cheapest.memlimit_kib)
      (void)backup::decrypt_backup(input, passphrase);
  }

  // A file written from the input reads back as the input, and any changed byte is refused.
  const auto file = backup::encrypt_backup(input, passphrase, cheapest);
  auto opened = backup::decrypt_backup(file, passphrase);
  check(opened && opened->view() == input);
  std::string damaged = file;
  damaged[size % damaged.size()] ^= 0x20;
  check(!backup::decrypt_backup(damaged, passphrase));
  return 0;
}
