#include "core/password/password_hasher.hpp"

#include <sodium.h>

#include <charconv>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "core/password/normalize.hpp"
#include "core/util/random.hpp"
#include "core/util/secret.hpp"

namespace sekisho::password {
namespace {

void init_sodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) std::abort();  // no usable randomness or CPU features: nothing safe to do
  });
}

std::size_t memlimit(const argon2_params& p) { return static_cast<std::size_t>(p.memory_kib) * 1024U; }

// The password as it will be hashed: NFKC, within the size limit, in wiped memory.
std::optional<secret> prepare(std::string_view password) {
  if (password.size() > max_password_bytes) return std::nullopt;
  auto normalized = normalize_password(password);
  if (!normalized) return std::nullopt;
  std::optional<secret> out;
  if (normalized->size() <= max_password_bytes) out.emplace(*normalized);  // NFKC can expand (e.g. ﷺ)
  wipe_memory(normalized->data(), normalized->capacity());
  return out;
}

// A PHC string libsodium can parse (argon2id or argon2i), NUL-terminated for its C API.
std::optional<std::string> parsable(std::string_view phc) {
  if (phc.empty() || phc.size() >= crypto_pwhash_STRBYTES || phc.find('\0') != std::string_view::npos)
    return std::nullopt;
  std::string s(phc);
  // needs_rehash decodes the whole string and returns -1 when it cannot.
  if (crypto_pwhash_str_needs_rehash(s.c_str(), 1, crypto_pwhash_MEMLIMIT_MIN) == -1) return std::nullopt;
  return s;
}

// Whether the m= and t= of a decodable PHC string ("…$m=65536,t=3,p=1$salt$hash") are within the
// maximums. libsodium would allocate and run whatever the string asks for.
bool affordable(std::string_view phc) {
  const auto at = phc.find("$m=");
  if (at == std::string_view::npos) return false;
  const char* const end = phc.data() + phc.size();
  std::uint64_t m = 0, t = 0;
  const auto mem = std::from_chars(phc.data() + at + 3, end, m);  // fails when over 64 bits, too
  if (mem.ec != std::errc() || !std::string_view(mem.ptr, end).starts_with(",t=")) return false;
  if (std::from_chars(mem.ptr + 3, end, t).ec != std::errc()) return false;
  return m <= max_memory_kib && t <= max_iterations;
}

}  // namespace

password_hasher::password_hasher(argon2_params params, int max_concurrent_hashes)
    : params_(params),
      own_limiter_(std::make_unique<hash_limiter>(max_concurrent_hashes)),
      limiter_(own_limiter_.get()) {
  start();
}

password_hasher::password_hasher(argon2_params params, hash_limiter& limiter) : params_(params), limiter_(&limiter) {
  start();
}

void password_hasher::start() {
  init_sodium();
  if (params_.parallelism != 1) throw std::invalid_argument("argon2 parallelism must be 1 (libsodium uses one lane)");
  if (params_.iterations < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
      memlimit(params_) < crypto_pwhash_argon2id_MEMLIMIT_MIN)
    throw std::invalid_argument("argon2 iterations or memory below libsodium's minimum");
  if (params_.iterations > max_iterations || params_.memory_kib > max_memory_kib)
    throw std::invalid_argument("argon2 iterations or memory above Sekisho's maximum");
  // A throwaway hash with the current parameters stands in for users who have none.
  const secret filler(random_token(24));
  auto dummy = hash(filler.view());
  if (!dummy) throw std::runtime_error("cannot compute an Argon2id hash: " + dummy.message());
  dummy_phc_ = std::move(*dummy);
}

password_hasher::password_hasher(password_hasher&&) noexcept = default;
password_hasher& password_hasher::operator=(password_hasher&&) noexcept = default;
password_hasher::~password_hasher() = default;

result<std::string> password_hasher::hash(std::string_view password) const {
  const auto input = prepare(password);
  if (!input) return make_error("the password is not valid UTF-8 or is longer than 1024 bytes");
  char out[crypto_pwhash_STRBYTES];
  int rc = 0;
  {
    const auto permit = limiter_->acquire();
    rc = crypto_pwhash_str_alg(out, input->view().data(), input->size(), params_.iterations, memlimit(params_),
                               crypto_pwhash_ALG_ARGON2ID13);
  }
  if (rc != 0) return make_error("not enough memory for an Argon2id hash");
  return std::string(out);
}

password_hasher::verdict password_hasher::verify(std::string_view phc_or_empty, std::string_view password) const {
  auto stored = parsable(phc_or_empty);
  const bool refused = stored && !affordable(*stored);
  if (refused) stored.reset();
  const auto input = prepare(password);
  // Whatever is missing, one full verification still runs: the time must not say which part was wrong.
  static const secret placeholder("sekisho: no password");
  const secret& candidate = input ? *input : placeholder;
  const std::string& target = stored ? *stored : dummy_phc_;
  int rc = -1;
  {
    const auto permit = limiter_->acquire();
    rc = crypto_pwhash_str_verify(target.c_str(), candidate.view().data(), candidate.size());
  }
  verdict v;
  v.refused = refused;
  v.match = stored && input && rc == 0;
  if (v.match)
    v.needs_rehash = crypto_pwhash_str_needs_rehash(stored->c_str(), params_.iterations, memlimit(params_)) != 0;
  return v;
}

}  // namespace sekisho::password
