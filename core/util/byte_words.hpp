// Tests on eight bytes at once, for the scanners that look at every byte of every request (a head's values,
// the access log's strings): a byte at a time through a table costs about 4 instructions a byte, a word of
// eight about 1.5. Each test is exact: true exactly when some byte of the word matches.
#pragma once
#include <cstdint>
#include <cstring>

namespace sekisho {

inline constexpr std::uint64_t byte_ones = 0x0101010101010101;
inline constexpr std::uint64_t byte_highs = 0x8080808080808080;

// The eight bytes at `p`, which must all be readable.
inline std::uint64_t load_word(const char* p) {
  std::uint64_t word;
  std::memcpy(&word, p, sizeof word);
  return word;
}

// Some byte is below `n`, for n <= 0x80 (bytes of 0x80 and above never are).
inline bool has_byte_below(std::uint64_t word, unsigned char n) {
  return ((word - n * byte_ones) & ~word & byte_highs) != 0;
}

// Some byte is `c`.
inline bool has_byte(std::uint64_t word, unsigned char c) {
  const auto x = word ^ (c * byte_ones);
  return ((x - byte_ones) & ~x & byte_highs) != 0;
}

// Some byte is 0x80 or above (not ASCII).
inline bool has_high_byte(std::uint64_t word) { return (word & byte_highs) != 0; }

// Some byte is a control character: below 0x20 (a tab too), or DEL.
inline bool has_control_byte(std::uint64_t word) { return has_byte_below(word, 0x20) || has_byte(word, 0x7f); }

// Past the whole words from `p` that hold no control character, never reading past `end`: where a byte-by-byte
// check of the rest (tabs, controls, the last few bytes) has to start.
inline const char* skip_control_free_words(const char* p, const char* end) {
  while (end - p >= 8 && !has_control_byte(load_word(p))) p += 8;
  return p;
}

}  // namespace sekisho
