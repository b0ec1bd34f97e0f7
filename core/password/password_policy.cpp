#include "core/password/password_policy.hpp"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "core/password/blocklist.hpp"
#include "core/password/normalize.hpp"
#include "core/password/password_hasher.hpp"
#include "core/util/secret.hpp"

namespace sekisho::password {
namespace {

policy_verdict refuse(std::string ja, std::string en) { return {false, std::move(ja), std::move(en)}; }

policy_verdict too_long() {
  return refuse("パスワードが長すぎます。256文字以内にしてください。", "The password is too long. Use at most 256 characters.");
}

struct composition {
  bool letter = false;
  bool digit = false;
  bool symbol = false;
};

composition classify(std::string_view utf8) {
  composition c;
  const auto* p = reinterpret_cast<const std::uint8_t*>(utf8.data());
  const auto n = static_cast<std::int32_t>(utf8.size());
  for (std::int32_t i = 0; i < n;) {
    UChar32 cp = 0;
    U8_NEXT(p, i, n, cp);
    if (u_isalpha(cp)) c.letter = true;  // includes かな, 漢字 and accented letters
    else if (u_isdigit(cp)) c.digit = true;
    else if (!u_isUWhiteSpace(cp)) c.symbol = true;
  }
  return c;
}

// Wipes the normalised copies when the check is done.
struct scrubbed {
  std::string s;
  ~scrubbed() { wipe_memory(s.data(), s.capacity()); }
};

}  // namespace

policy_verdict check_password(std::string_view password_utf8, std::string_view username, password_profile profile,
                              int min_length) {
  // Over max_password_bytes is refused unnormalised: the check must stay cheap on hostile input.
  auto normalized = password_utf8.size() <= max_password_bytes ? normalize_password(password_utf8) : std::nullopt;
  if (!normalized) {
    if (password_utf8.size() > max_password_bytes) return too_long();
    return refuse("パスワードに使えない文字が含まれています。", "The password contains characters that cannot be used.");
  }
  const scrubbed pw{std::move(*normalized)};
  const std::size_t length = count_code_points(pw.s);
  const int minimum = min_length > 1 ? min_length : 1;  // an empty password is never acceptable
  if (length < static_cast<std::size_t>(minimum)) {
    const auto n = std::to_string(minimum);
    return refuse("パスワードは" + n + "文字以上にしてください。", "Use at least " + n + " characters.");
  }
  if (length > max_password_code_points || pw.s.size() > max_password_bytes) return too_long();

  if (profile == password_profile::mhlw) {
    const auto c = classify(pw.s);
    if (!c.letter || !c.digit || !c.symbol)
      return refuse("英字・数字・記号（! や # など）をすべて混ぜてください。",
                    "Mix letters, numbers and symbols (such as ! or #).");
  }

  const scrubbed lower{lowercase(pw.s)};
  if (auto user = normalize_password(username); user && count_code_points(*user) >= 3) {
    if (lower.s.find(lowercase(*user)) != std::string::npos)
      return refuse("パスワードにユーザー名を含めないでください。", "Do not put your user name in the password.");
  }
  if (is_blocklisted(lower.s))
    return refuse("このパスワードはよく使われていて、すぐに推測されます。別のパスワードにしてください。",
                  "This password is too common and easy to guess. Choose a different one.");
  return {true, {}, {}};
}

}  // namespace sekisho::password
