#include "core/util/byte_words.hpp"

#include <doctest/doctest.h>

#include <array>
#include <string>

using namespace sekisho;

namespace {

// Every byte value at every position of a word, among fillers that are themselves near the edges.
template <class Check>
void for_each_word(Check check) {
  for (unsigned filler : {0x00u, 0x1fu, 0x20u, 0x21u, 0x7eu, 0x7fu, 0x80u, 0xffu, 0x61u})
    for (std::size_t at = 0; at < 8; ++at)
      for (unsigned value = 0; value < 256; ++value) {
        std::array<unsigned char, 8> bytes;
        bytes.fill(static_cast<unsigned char>(filler));
        bytes[at] = static_cast<unsigned char>(value);
        check(bytes, load_word(reinterpret_cast<const char*>(bytes.data())));
      }
}

}  // namespace

TEST_CASE("each word test is true exactly when some byte of the word matches") {
  std::size_t words = 0;
  for_each_word([&](const std::array<unsigned char, 8>& bytes, std::uint64_t word) {
    const auto any = [&](auto matches) {
      for (auto b : bytes)
        if (matches(b)) return true;
      return false;
    };
    for (unsigned n : {0x01u, 0x09u, 0x20u, 0x7fu, 0x80u})
      REQUIRE(has_byte_below(word, static_cast<unsigned char>(n)) == any([n](unsigned char b) { return b < n; }));
    for (unsigned c : {0x00u, 0x22u, 0x5cu, 0x7fu, 0x80u, 0xffu})
      REQUIRE(has_byte(word, static_cast<unsigned char>(c)) == any([c](unsigned char b) { return b == c; }));
    REQUIRE(has_high_byte(word) == any([](unsigned char b) { return b >= 0x80; }));
    REQUIRE(has_control_byte(word) == any([](unsigned char b) { return b < 0x20 || b == 0x7f; }));
    ++words;
  });
  CHECK(words == 9 * 8 * 256);
}

TEST_CASE("the words free of control characters are skipped, up to the first that holds one, never past the end") {
  const std::string text = "0123456789abcdef0123\t56789abcdef";  // a tab in the third word
  const char* begin = text.data();
  CHECK(skip_control_free_words(begin, begin + text.size()) == begin + 16);
  CHECK(skip_control_free_words(begin, begin + 15) == begin + 8);  // the second word is not whole
  CHECK(skip_control_free_words(begin, begin + 7) == begin);
  CHECK(skip_control_free_words(begin + 21, begin + text.size()) == begin + 29);  // "56789abc", then 3 bytes
}
