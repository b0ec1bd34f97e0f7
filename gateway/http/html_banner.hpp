// The banner a break-glass session sees on every page of the upstream application: found a place just
// after the document's <body …> tag while the page streams through, and written in ASCII only (character
// references for the Japanese), so it reads right whatever the page's charset (legacy EHRs use Shift_JIS).
#pragma once
#include <cstddef>

#include <optional>
#include <string>
#include <string_view>

#include "gateway/http/head_fields.hpp"

namespace sekisho::gateway {

// Finds the end of the first <body> start tag (any case, with or without attributes) across the pieces of a
// streamed document: feed() each piece in order until it answers.
class body_tag_finder {
 public:
  // The offset in `piece` just after the tag's '>', when the tag ends in this piece; nullopt otherwise (and
  // always after it was found once).
  std::optional<std::size_t> feed(std::string_view piece);
  bool found() const { return found_; }

 private:
  std::size_t matched_ = 0;  // characters of "<body" matched so far
  bool in_tag_ = false;      // "<body" and a separator seen: waiting for '>'
  bool found_ = false;
};

// Whether a response's body is an HTML document the banner can be written into: text/html, not compressed.
bool banner_fits(const head_fields& response);

// The banner's HTML (ASCII): emergency access, everything is recorded, and a link to log out.
const std::string& break_glass_banner();

}  // namespace sekisho::gateway
