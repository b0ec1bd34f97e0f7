#include "core/util/random.hpp"

#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>

#include "core/util/encoding.hpp"

namespace sekisho {

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    std::fputs("sekisho: the random number generator failed\n", stderr);
    std::abort();
  }
  return out;
}

std::string random_token(std::size_t n) { return base64url_encode(random_bytes(n)); }

unsigned random_below(unsigned bound) {
  // Rejection sampling avoids modulo bias.
  const unsigned limit = 0xFFFFFFFFu - (0xFFFFFFFFu % bound);
  for (;;) {
    auto b = random_bytes(4);
    unsigned v = 0;
    for (unsigned char c : b) v = (v << 8) | c;
    if (v < limit) return v % bound;
  }
}

}  // namespace sekisho
