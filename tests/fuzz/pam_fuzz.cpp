// What reaches pam_sekisho and authd from a PAM caller: the module's options (split as PAM splits a service
// file's line) and a RADIUS User-Password that holds the password and the code together.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/login/joined_secret.hpp"
#include "pam_module/module_options.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  std::vector<std::string_view> args;
  for (std::size_t at = 0; at <= text.size();) {
    const auto end = std::min(text.find(' ', at), text.size());
    args.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  if (auto o = sekisho::pam::parse_module_options(args); o && o->timeout.count() <= 0) __builtin_trap();

  const sekisho::secret joined(text);
  if (auto parts = sekisho::login::split_password_and_code(joined, 6)) {
    // The two parts are the whole secret, in order, and the code is six digits.
    if (parts->code.size() != 6 || parts->password.size() + 6 != size) __builtin_trap();
    if (std::string(parts->password.view()) + std::string(parts->code.view()) != text) __builtin_trap();
  }
  return 0;
}
