#include "cli/passphrase.hpp"

#include "cli/terminal.hpp"
#include "core/password/normalize.hpp"
#include "core/util/root_only_file.hpp"

namespace sekisho::cli {
namespace {

constexpr std::size_t max_file_bytes = 4096;

// The first line of a root-only file (root_only_file.hpp: the rule of pam_sekisho.so's token_file too).
result<secret> read_passphrase_file(const std::string& path) {
  auto text = read_root_only_file(path, "--passphrase-file", max_file_bytes);
  if (!text) return text.err();
  auto line = text->view();
  line = line.substr(0, line.find('\n'));
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return secret(line);
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
