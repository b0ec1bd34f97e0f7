#include "gateway/portal/return_path.hpp"

#include <algorithm>

#include "core/util/encoding.hpp"

namespace sekisho::gateway {
namespace {

constexpr std::size_t max_return_path = 2048;

bool plain_path(std::string_view p) {
  if (p.empty() || p.front() != '/' || p.size() > max_return_path) return false;
  if (p.size() > 1 && (p[1] == '/' || p[1] == '\\')) return false;
  return std::none_of(p.begin(), p.end(), [](char c) {
    const auto b = static_cast<unsigned char>(c);
    return b <= 0x20 || b >= 0x7f || c == '\\';
  });
}

}  // namespace

std::string safe_return_path(std::string_view requested) {
  // The decoded form must be plain too: a server or browser that decodes once more must not find a host.
  const auto decoded = percent_decode(requested);
  if (!plain_path(requested) || !decoded || !plain_path(*decoded)) return "/";
  // The portal's own pages would loop back to the login; the account page and the approval page (an SSH
  // login waiting for this user) are where a user goes on purpose.
  if (requested == "/.sekisho/account" || requested == "/.sekisho/approve") return std::string(requested);
  if (requested.starts_with("/.sekisho/") || decoded->starts_with("/.sekisho/")) return "/";
  return std::string(requested);
}

}  // namespace sekisho::gateway
