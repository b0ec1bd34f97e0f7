#include "cli/passphrase.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cli/terminal.hpp"
#include "core/password/normalize.hpp"

namespace sekisho::cli {
namespace {

constexpr std::size_t max_file_bytes = 4096;

// The first line of a regular file (not a symlink) owned by root or us, mode 0600 or 0400: the same
// rule as pam_sekisho.so's token_file.
result<secret> read_passphrase_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return make_error("--passphrase-file " + path + ": " + std::strerror(errno));
  struct stat st {};
  secret text;
  text.resize(max_file_bytes + 1);
  ssize_t n = -1;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_uid == 0 || st.st_uid == ::geteuid()) &&
      (st.st_mode & 077) == 0)
    n = ::read(fd, text.data(), max_file_bytes + 1);
  ::close(fd);
  if (n < 0)
    return make_error("--passphrase-file " + path +
                      ": must be a regular file owned by root and readable by no one else (chmod 600)");
  if (static_cast<std::size_t>(n) > max_file_bytes) return make_error("--passphrase-file " + path + ": too large");
  std::size_t len = 0;
  while (len < static_cast<std::size_t>(n) && text.data()[len] != '\n') ++len;
  if (len > 0 && text.data()[len - 1] == '\r') --len;
  text.resize(len);
  return text;
}

}  // namespace

result<secret> read_passphrase(const std::optional<std::string>& file, bool new_backup) {
  auto raw = file ? read_passphrase_file(*file)
               : new_backup ? read_new_secret("Backup passphrase / バックアップのパスフレーズ: ",
                                              "Again / もう一度: ")
                            : read_secret("Backup passphrase / バックアップのパスフレーズ: ");
  if (!raw) return raw.err();
  if (raw->empty()) return make_error("the passphrase is empty / パスフレーズが空です");
  auto normal = password::normalize_password(raw->view());
  if (!normal) return make_error("the passphrase is not valid UTF-8");
  secret out(*normal);
  wipe_memory(normal->data(), normal->size());
  if (new_backup && password::count_code_points(out.view()) < min_passphrase_chars)
    return make_error("the passphrase is too short: at least " + std::to_string(min_passphrase_chars) +
                      " characters / パスフレーズは" + std::to_string(min_passphrase_chars) + "文字以上にしてください");
  return out;
}

}  // namespace sekisho::cli
