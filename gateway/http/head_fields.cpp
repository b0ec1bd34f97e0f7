#include "gateway/http/head_fields.hpp"

#include <algorithm>
#include <cstring>
#include <iterator>

#include <boost/beast/core/detail/temporary_buffer.hpp>
#include <boost/beast/core/static_string.hpp>
#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/rfc7230.hpp>

#include "gateway/http/header_names.hpp"

namespace sekisho::gateway {

namespace {

using boost::beast::iequals;

// Room for the fields of an ordinary head before the table grows (which, in a monotonic arena, leaves the
// smaller table behind).
constexpr std::size_t usual_fields = 24;

// Whether `field` is `name`, compared as Beast does: without regard to case.
bool named(const head_field& field, std::string_view name) {
  return field.name_string().size() == name.size() && iequals(field.name_string(), name);
}

// Whether a Connection value names `option`. Its token list was checked by the head reader (or written by
// set_keep_alive_impl), so its elements are what commas and whitespace separate: Beast's token_list, which
// parses them, cost twice as much, on every request and response.
bool lists_option(std::string_view connection, std::string_view option) {
  return any_list_item(connection, [option](std::string_view token) { return iequals(token, option); });
}

}  // namespace

head_fields::head_fields() : own_(std::make_unique<head_arena>()), arena_(own_.get()), fields_(&arena_->resource()) {
  fields_.reserve(usual_fields);
}

head_fields::head_fields(head_arena& arena) : arena_(&arena), fields_(&arena.resource()) {
  fields_.reserve(usual_fields);
}

head_fields::const_iterator head_fields::find(http::field name) const {
  return std::find_if(begin(), end(), [name](const head_field& f) { return f.name() == name; });
}

head_fields::const_iterator head_fields::find(std::string_view name) const {
  return std::find_if(begin(), end(), [name](const head_field& f) { return named(f, name); });
}

std::size_t head_fields::count(http::field name) const {
  return static_cast<std::size_t>(std::count_if(begin(), end(), [name](const head_field& f) { return f.name() == name; }));
}

std::size_t head_fields::count(std::string_view name) const {
  return static_cast<std::size_t>(std::count_if(begin(), end(), [name](const head_field& f) { return named(f, name); }));
}

std::string_view head_fields::operator[](http::field name) const {
  const auto it = find(name);
  return it == end() ? std::string_view() : it->value();
}

std::string_view head_fields::operator[](std::string_view name) const {
  const auto it = find(name);
  return it == end() ? std::string_view() : it->value();
}

void head_fields::insert(http::field name, std::string_view value) { insert(name, http::to_string(name), value); }

void head_fields::insert(std::string_view name, std::string_view value) {
  insert(http::string_to_field(name), name, value);
}

void head_fields::set(http::field name, std::string_view value) {
  erase(name);
  insert(name, value);
}

void head_fields::set(std::string_view name, std::string_view value) {
  erase(name);
  insert(name, value);
}

template <class Matches>
std::size_t head_fields::erase_matching(Matches matches) {
  const auto kept = std::remove_if(fields_.begin(), fields_.end(), matches);
  const auto removed = static_cast<std::size_t>(std::distance(kept, fields_.end()));
  fields_.erase(kept, fields_.end());
  return removed;
}

std::size_t head_fields::erase(http::field name) {
  return erase_matching([name](const head_field& f) { return f.name() == name; });
}

std::size_t head_fields::erase(std::string_view name) {
  return erase_matching([name](const head_field& f) { return named(f, name); });
}

head_fields::const_iterator head_fields::erase(const_iterator at) { return fields_.erase(at); }

bool head_fields::get_chunked_impl() const {
  // Chunked is the last transfer coding or it is not the framing (RFC 9112 §6.3).
  const http::token_list codings{(*this)[http::field::transfer_encoding]};
  std::string_view last;
  for (auto coding : codings) last = coding;
  return !last.empty() && iequals(last, "chunked");
}

bool head_fields::get_keep_alive_impl(unsigned version) const {
  const auto it = find(http::field::connection);
  if (version < 11) return it != end() && lists_option(it->value(), "keep-alive");
  return it == end() || !lists_option(it->value(), "close");
}

// The three below edit the headers as Beast's basic_fields does, with Beast's own token-list helpers.
void head_fields::set_chunked_impl(bool value) {
  const auto te = (*this)[http::field::transfer_encoding];
  boost::beast::detail::temporary_buffer buf;
  if (value) {
    if (te.empty()) return set(http::field::transfer_encoding, "chunked");
    if (get_chunked_impl()) return;
    buf.append(te, ", chunked");
  } else {
    if (find(http::field::transfer_encoding) == end()) return;
    http::detail::filter_token_list_last(buf, te, {"chunked", {}});
  }
  if (buf.empty()) erase(http::field::transfer_encoding);
  else set(http::field::transfer_encoding, buf.view());
}

void head_fields::set_content_length_impl(const boost::optional<std::uint64_t>& value) {
  if (!value) erase(http::field::content_length);
  else set(http::field::content_length, boost::beast::to_static_string(*value));
}

void head_fields::set_keep_alive_impl(unsigned version, bool keep_alive) {
  // HTTP/1.1 keeps the connection without saying so: with no Connection field there is nothing to change.
  // (Nearly every head the gateway sends, once its hop-by-hop fields are gone.)
  if (version >= 11 && keep_alive && find(http::field::connection) == end()) return;
  boost::beast::detail::temporary_buffer buf;
  http::detail::keep_alive_impl(buf, (*this)[http::field::connection], version, keep_alive);
  if (buf.empty()) erase(http::field::connection);
  else set(http::field::connection, buf.view());
}

}  // namespace sekisho::gateway
