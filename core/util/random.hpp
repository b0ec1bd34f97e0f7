// Cryptographic randomness from OpenSSL's DRBG; every token, salt, nonce and key comes from here.
#pragma once
#include <cstddef>
#include <string>

namespace sekisho {

// Fills `n` bytes; aborts if the DRBG fails (there is no safe fallback).
std::string random_bytes(std::size_t n);
// An opaque URL-safe token carrying `n` random bytes.
std::string random_token(std::size_t n = 32);
// Uniform in [0, bound).
unsigned random_below(unsigned bound);

}  // namespace sekisho
