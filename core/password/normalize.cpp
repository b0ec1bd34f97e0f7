#include "core/password/normalize.hpp"

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <cstdint>
#include <limits>

#include "core/util/secret.hpp"
#include "core/util/utf8.hpp"

namespace sekisho::password {
namespace {


// ICU keeps its own UTF-16 copy of the password; wipe it before ICU frees it.
void wipe(icu::UnicodeString& s) {
  const std::int32_t capacity = s.getCapacity();
  char16_t* buffer = s.getBuffer(capacity);
  if (buffer != nullptr) {
    wipe_memory(buffer, static_cast<std::size_t>(capacity) * sizeof(char16_t));
    s.releaseBuffer(0);
  }
}

std::string to_utf8(const icu::UnicodeString& s) {
  std::string out;
  out.reserve(static_cast<std::size_t>(s.length()) * 3);  // no reallocation leaves a stray copy behind
  s.toUTF8String(out);
  return out;
}

}  // namespace

std::optional<std::string> normalize_password(std::string_view utf8) {
  if (utf8.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()) || !valid_utf8(utf8))
    return std::nullopt;
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  if (U_FAILURE(status)) return std::nullopt;  // ICU data missing: refuse rather than compare unnormalised
  auto source = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<std::int32_t>(utf8.size())));
  auto normalized = nfkc->normalize(source, status);
  std::optional<std::string> out;
  if (U_SUCCESS(status)) out = to_utf8(normalized);
  wipe(source);
  wipe(normalized);
  return out;
}

std::size_t count_code_points(std::string_view utf8) {
  std::size_t n = 0;
  for (char c : utf8)
    if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) ++n;  // every byte but continuation bytes starts one
  return n;
}

std::string lowercase(std::string_view utf8) {
  auto s = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<std::int32_t>(utf8.size())));
  s.toLower(icu::Locale::getRoot());  // root locale: no Turkish dotless-i surprises
  auto out = to_utf8(s);
  wipe(s);
  return out;
}

}  // namespace sekisho::password
