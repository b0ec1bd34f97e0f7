// What the module asks, in Japanese and English in one line: a terminal may show either language well, and
// every instruction must be in the prompt itself, because sshd shows PAM_TEXT_INFO only together with the
// next prompt (and there may be none).
#pragma once

namespace sekisho::pam {

inline constexpr const char* password_prompt = "パスワード / Password: ";
inline constexpr const char* code_prompt =
    "認証アプリの確認コード（または回復コード） / Code from your authenticator app (or a recovery code): ";
inline constexpr const char* combined_prompt =
    "パスワードに続けて確認コード / Password immediately followed by your authenticator app's code: ";

}  // namespace sekisho::pam
