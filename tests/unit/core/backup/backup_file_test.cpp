#include "core/backup/backup_file.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace sekisho;
using namespace sekisho::backup;

namespace {

const secret passphrase(std::string_view("correct horse battery staple"));

std::string payload_of(std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s.push_back(static_cast<char>((i * 131 + 7) & 0xFF));
  return s;
}

}  // namespace

TEST_CASE("a backup opens with its passphrase and gives back the payload exactly") {
  for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{65536}, std::size_t{65537}, std::size_t{200000}}) {
    CAPTURE(n);
    const auto payload = payload_of(n);
    const auto file = encrypt_backup(payload, passphrase, cheapest_kdf());
    CHECK(file.substr(0, backup_magic.size()) == backup_magic);
    if (n >= 64) CHECK(file.find(payload.substr(0, 64)) == std::string::npos);  // not in the clear
    auto opened = decrypt_backup(file, passphrase);
    REQUIRE_MESSAGE(opened.ok(), opened.message());
    CHECK(opened->view() == payload);
  }
}

TEST_CASE("two backups of the same payload differ (fresh salt and stream header)") {
  CHECK(encrypt_backup("same", passphrase, cheapest_kdf()) != encrypt_backup("same", passphrase, cheapest_kdf()));
}

TEST_CASE("a wrong passphrase is refused with one clear line") {
  const auto file = encrypt_backup("database and keys", passphrase, cheapest_kdf());
  auto r = decrypt_backup(file, secret(std::string_view("correct horse battery stapler")));
  REQUIRE_FALSE(r.ok());
  CHECK(r.message() == "wrong passphrase, or the backup file was changed or damaged");
}

TEST_CASE("every single changed byte of a small backup is refused") {
  const auto file = encrypt_backup(payload_of(100), passphrase, cheapest_kdf());
  for (std::size_t i = 0; i < file.size(); ++i) {
    for (int flip : {0x01, 0x80, 0xFF}) {
      CAPTURE(i);
      CAPTURE(flip);
      std::string bad = file;
      bad[i] = static_cast<char>(static_cast<unsigned char>(bad[i]) ^ flip);
      auto r = decrypt_backup(bad, passphrase);
      CHECK_FALSE(r.ok());
      CHECK(r.message().find('\n') == std::string::npos);
    }
  }
}

TEST_CASE("a truncated backup, or one with bytes appended, is refused") {
  const auto file = encrypt_backup(payload_of(70000), passphrase, cheapest_kdf());  // two chunks
  for (std::size_t n = 0; n < file.size(); n += (n < 200 ? 1 : 997)) {
    CAPTURE(n);
    CHECK_FALSE(decrypt_backup(file.substr(0, n), passphrase).ok());
  }
  CHECK_FALSE(decrypt_backup(file.substr(0, file.size() - 1), passphrase).ok());
  auto cut = decrypt_backup(file.substr(0, 66 + 4 + 65536 + 17), passphrase);  // the first chunk only
  REQUIRE_FALSE(cut.ok());
  CHECK(cut.message() == "the backup file is truncated");
  CHECK_FALSE(decrypt_backup(file + "x", passphrase).ok());
  CHECK_FALSE(decrypt_backup(file + file.substr(66), passphrase).ok());
}

TEST_CASE("a file that is not a backup, or of an unknown version, is named as such") {
  auto junk = decrypt_backup("SQLite format 3\0 and more", passphrase);
  REQUIRE_FALSE(junk.ok());
  CHECK(junk.message().find("not a Sekisho backup") != std::string::npos);
  CHECK_FALSE(decrypt_backup("", passphrase).ok());
  auto file = encrypt_backup("x", passphrase, cheapest_kdf());
  file[16] = '2';  // "SEKISHO-BACKUP v2"
  auto v2 = decrypt_backup(file, passphrase);
  REQUIRE_FALSE(v2.ok());
  CHECK(v2.message().find("does not know") != std::string::npos);
}

TEST_CASE("Argon2id parameters out of bounds are refused before any hashing") {
  auto file = encrypt_backup("x", passphrase, cheapest_kdf());
  file[18] = '\x7f';  // opslimit 0x7f000001
  auto r = decrypt_backup(file, passphrase);
  REQUIRE_FALSE(r.ok());
  CHECK(r.message().find("out of bounds") != std::string::npos);
  CHECK(default_kdf().memlimit_kib == 256 * 1024);
  CHECK(default_kdf().opslimit == 3);
}
