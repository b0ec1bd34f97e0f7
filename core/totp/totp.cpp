#include "core/totp/totp.hpp"

#include <liboath/oath.h>
#include <openssl/crypto.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>

#include "core/util/random.hpp"
#include "core/util/secret.hpp"

namespace sekisho::totp {
namespace {

constexpr std::size_t max_digits = 8;

void init_liboath_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (oath_init() != OATH_OK) {
      std::fputs("sekisho: liboath failed to initialise\n", stderr);
      std::abort();
    }
  });
}

int oath_flags(totp_algorithm a) {
  switch (a) {
    case totp_algorithm::sha1: return 0;
    case totp_algorithm::sha256: return OATH_TOTP_HMAC_SHA256;
    case totp_algorithm::sha512: return OATH_TOTP_HMAC_SHA512;
  }
  return 0;
}

bool usable(std::string_view secret, const totp_params& p, std::int64_t now_unix) {
  return !secret.empty() && p.digits >= 6 && p.digits <= static_cast<int>(max_digits) &&
         p.period_seconds > 0 && now_unix >= 0;
}

// What the user typed, without spaces, if it is exactly `digits` ASCII digits. Full-width digits
// and other look-alikes are refused here rather than guessed at.
std::optional<secret> normalise(std::string_view code, int digits) {
  secret out;
  for (char c : code) {
    if (c == ' ') continue;
    if (c < '0' || c > '9' || out.size() >= static_cast<std::size_t>(digits)) return std::nullopt;
    out.append(std::string_view(&c, 1));
  }
  if (out.size() != static_cast<std::size_t>(digits)) return std::nullopt;
  return out;
}

// liboath's own comparison is strcmp; this one takes the same time wherever the codes differ.
// Both strings are exactly `digits` long: liboath generates the candidate with that length.
struct typed_code {
  const secret* code;
};

int compare_constant_time(void* handle, const char* candidate) {
  const auto* typed = static_cast<const typed_code*>(handle);
  return CRYPTO_memcmp(typed->code->bytes(), candidate, typed->code->size()) == 0 ? 0 : 1;
}

}  // namespace

std::string generate_secret(totp_algorithm a) {
  switch (a) {
    case totp_algorithm::sha1: return random_bytes(20);
    case totp_algorithm::sha256: return random_bytes(32);
    case totp_algorithm::sha512: return random_bytes(64);
  }
  return random_bytes(20);
}

std::optional<std::int64_t> verify_code(std::string_view secret, const totp_params& p, std::string_view code,
                                        std::int64_t now_unix, int window) {
  if (!usable(secret, p, now_unix) || window < 0) return std::nullopt;
  auto typed = normalise(code, p.digits);
  if (!typed) return std::nullopt;
  init_liboath_once();
  typed_code handle{&*typed};
  int position = 0;
  std::uint64_t step = 0;
  const int rc = oath_totp_validate4_callback(
      secret.data(), secret.size(), static_cast<std::time_t>(now_unix), static_cast<unsigned>(p.period_seconds),
      0, static_cast<unsigned>(p.digits), static_cast<std::size_t>(window), &position, &step,
      oath_flags(p.algorithm), compare_constant_time, &handle);
  if (rc < 0) return std::nullopt;
  return static_cast<std::int64_t>(step);
}

std::string generate_code(std::string_view secret, const totp_params& p, std::int64_t now_unix) {
  if (!usable(secret, p, now_unix)) return {};
  init_liboath_once();
  char out[max_digits + 1] = {};
  const int rc = oath_totp_generate2(secret.data(), secret.size(), static_cast<std::time_t>(now_unix),
                                     static_cast<unsigned>(p.period_seconds), 0, static_cast<unsigned>(p.digits),
                                     oath_flags(p.algorithm), out);
  std::string code = rc == OATH_OK ? std::string(out) : std::string();
  wipe_memory(out, sizeof out);
  return code;
}

}  // namespace sekisho::totp
