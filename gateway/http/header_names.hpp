// Header names as the upstream stacks compare them (core/util/header_name.hpp), and the small pieces of
// header syntax the proxy shares.
#pragma once
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/header_name.hpp"
#include "gateway/http/head_fields.hpp"

namespace sekisho::gateway {

namespace http = boost::beast::http;

// The normal form used to compare names: ASCII lower case, '_' mapped to '-'.
std::string header_key(std::string_view name);
using sekisho::named_in;
using sekisho::same_header;  // header_key(a) == header_key(b), without allocating

// Removes every field whose header_key equals header_key(name), duplicates included.
void erase_all_variants(head_fields& h, std::string_view name);
// The same for several names, in one pass over the fields: a request had some 25 names stripped, and a pass
// for each was the largest part of preparing it for the upstream.
void erase_all_variants(head_fields& h, std::span<const std::string_view> names);
// Removes the fields that normalise to `name` but are spelled differently (`Content_Length`), keeping the
// real ones (any case): for headers whose genuine values we keep but whose look-alikes must not reach an
// upstream that would merge them.
void erase_misspelled_variants(head_fields& h, std::string_view name);

// Whether pred(element) holds for an element of a comma-separated list value (RFC 9110 §5.6.1), each
// trimmed of spaces and tabs, empty ones skipped; stops at the first that does. Without a list in between:
// every request and response has one.
template <class Pred>
bool any_list_item(std::string_view value, Pred pred) {
  while (true) {
    const auto comma = value.find(',');
    if (const auto item = trim_whitespace(value.substr(0, comma)); !item.empty() && pred(item)) return true;
    if (comma == std::string_view::npos) return false;
    value.remove_prefix(comma + 1);
  }
}

// Calls f(element) for each of those elements.
template <class F>
void for_each_list_item(std::string_view value, F f) {
  any_list_item(value, [&f](std::string_view item) {
    f(item);
    return false;
  });
}

// The elements for_each_list_item gives, as a list.
std::vector<std::string_view> split_list(std::string_view value);

// False when `value` holds a control character (CR, LF, NUL, …, DEL) other than a tab: such a value would
// split or end the header block it is written into.
bool safe_header_value(std::string_view value);

}  // namespace sekisho::gateway
