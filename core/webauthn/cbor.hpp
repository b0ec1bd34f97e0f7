// CBOR through libcbor, made safe for untrusted bytes: a structural check first (definite lengths only,
// bounded nesting, no tags, every length inside the buffer), then libcbor decodes what passed.
// WebAuthn's CBOR is CTAP2 canonical CBOR, which has no indefinite lengths and no tags.
#pragma once
#include <cbor.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace sekisho::webauthn::cbor {

struct item_deleter {
  void operator()(cbor_item_t* item) const { cbor_decref(&item); }
};
using item_ptr = std::unique_ptr<cbor_item_t, item_deleter>;

// Size of the encoded item that starts `in`, if it is well formed within the rules above and
// nests no deeper than `max_depth` arrays/maps; nullopt otherwise.
std::optional<std::size_t> item_size(std::string_view in, int max_depth);

// Decodes the item that starts `in`; `used` gets its encoded size. Null when it breaks the rules.
item_ptr load_prefix(std::string_view in, int max_depth, std::size_t& used);
// Decodes `in`, which must hold exactly one item: trailing bytes make it null.
item_ptr load_exact(std::string_view in, int max_depth);

// Typed views of decoded items; nullopt when the item is of another type.
std::optional<std::string_view> text(const cbor_item_t* item);
std::optional<std::string_view> bytes(const cbor_item_t* item);
std::optional<std::int64_t> integer(const cbor_item_t* item);  // major types 0 and 1, within int64
std::optional<bool> boolean(const cbor_item_t* item);

// A definite map of at most `max_pairs` pairs whose keys are all integers or text, none repeated.
bool is_plain_map(const cbor_item_t* item, std::size_t max_pairs);
// The value under a text / integer key of a map, or null.
const cbor_item_t* find(const cbor_item_t* map, std::string_view key);
const cbor_item_t* find(const cbor_item_t* map, std::int64_t key);

// The item encoded again (libfido2 takes attStmt as CBOR bytes); empty on failure.
std::string serialize(const cbor_item_t* item);

}  // namespace sekisho::webauthn::cbor
