// What the module asks, in Japanese and English in one line: a terminal may show either language well, and
// every instruction must be in the prompt itself, because sshd shows PAM_TEXT_INFO only together with the
// next prompt (and there may be none).
#pragma once
#include <string>
#include <string_view>

namespace sekisho::pam {

inline constexpr const char* password_prompt = "パスワード / Password: ";
inline constexpr const char* code_prompt =
    "認証アプリの確認コード（または回復コード） / Code from your authenticator app (or a recovery code): ";
inline constexpr const char* combined_prompt =
    "パスワードに続けて確認コード / Password immediately followed by your authenticator app's code: ";

// mode=approve, after the password: where to approve this login and which code to look for.
inline std::string approve_prompt(std::string_view url, std::string_view code) {
  return std::string(url) + " で " + std::string(code) + " を承認してから Enter を押してください / Approve " +
         std::string(code) + " at " + std::string(url) + ", then press Enter: ";
}

}  // namespace sekisho::pam
